"""The generated nginx configuration: every replica in its upstream, and nginx itself accepts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy.layout import ClusterLayout
from deploy.nginx import render, write_config
from webhook.texts import load_texts


def layout(tmp_path: Path) -> ClusterLayout:
    return ClusterLayout(rasa_ports=(7105, 7106), actions_ports=(7155, 7156), app_ports=(7201, 7202),
                         public_port=7080, rasa_lb_port=7081, actions_lb_port=7082, var_dir=tmp_path)


def test_every_replica_is_an_upstream_and_the_busy_text_is_the_channels(tmp_path):
    text = render(layout(tmp_path), tmp_path / "nginx")
    for port in (7105, 7106, 7155, 7156, 7201, 7202):
        assert f"server 127.0.0.1:{port} " in text
    assert "listen 127.0.0.1:7080;" in text and "listen 127.0.0.1:7081;" in text
    assert load_texts().busy in text
    assert "%%" not in text and "$proxy_add_x_forwarded_for" in text


def test_nginx_accepts_the_configuration(tmp_path):
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (make run-cluster installs it)")
    _, argv = write_config(layout(tmp_path))
    result = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_replicas_point_at_nginx_and_share_the_engines(tmp_path):
    specs = {spec.name: spec for spec in layout(tmp_path).processes(model=tmp_path / "model.tar.gz")}
    assert sorted(specs) == ["actions-1", "actions-2", "app-1", "app-2", "rasa-1", "rasa-2"]
    rasa = specs["rasa-2"]
    assert rasa.argv[rasa.argv.index("--port") + 1] == "7106"
    endpoints = yaml.safe_load(Path(rasa.argv[rasa.argv.index("--endpoints") + 1]).read_text(encoding="utf-8"))
    assert endpoints["lock_store"]["type"] == "bot.lock_store.ReleasingRedisLockStore" and "tracker_store" in endpoints and "action_endpoint" in endpoints
    assert rasa.env["YIBAO_ACTIONS_URL"] == "http://127.0.0.1:7082/webhook"
    assert rasa.env["YIBAO_TRACKER_URL"].startswith("postgresql://") and rasa.env["YIBAO_LOCK_REDIS_DB"] == "2"
    app = specs["app-1"]
    assert app.env["YIBAO_APP_PORT"] == "7201" and app.env["YIBAO_RASA_URL"] == "http://127.0.0.1:7081"
    assert app.env["YIBAO_INTERNAL_TOKEN"] == specs["actions-2"].env["YIBAO_INTERNAL_TOKEN"]
