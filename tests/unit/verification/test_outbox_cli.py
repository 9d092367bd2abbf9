"""`yibao members outbox` prints the newest codes of the development SMS outbox."""

from __future__ import annotations

from click.testing import CliRunner

from cli import main
from verification.sms import OutboxGateway


def test_outbox_prints_masked_phone_and_code(sessions, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'verify.db'}")
    runner = CliRunner()
    empty = runner.invoke(main, ["members", "outbox"])
    assert empty.exit_code != 0 and "empty" in empty.output
    OutboxGateway(sessions).send("19910000039", "【医保助手】您的验证码是042917，5分钟内有效。")
    OutboxGateway(sessions).send("19910000040", "【医保助手】您的验证码是777777，5分钟内有效。")
    result = runner.invoke(main, ["members", "outbox", "--phone", "199****0039"])
    assert result.exit_code == 0, result.output
    assert "199****0039  042917" in result.output and "777777" not in result.output
    assert "19910000039" not in result.output
