"""A turn that fails inside Rasa (lock store or tracker store unreachable) is answered with the
channel's busy text alone, instead of Rasa's empty 200 or what the bot said before the failure (it was
not stored); runs the real channel code in .venv-rasa."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from service.settings import REPO_ROOT
from service.stack import RASA_PYTHON

SCRIPT = """
import asyncio, json
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from bot.channels import guard_failure

async def broken(message):
    await message.output_channel.send_text_message(message.sender_id, "partial")
    raise ConnectionError("Redis is down")

async def fine(message):
    await message.output_channel.send_text_message(message.sender_id, "answer")

async def main():
    said = {}
    for name, turn in (("broken", broken), ("fine", fine)):
        out = CollectingOutputChannel()
        await guard_failure(turn)(UserMessage("问题", out, "resident-1"))
        said[name] = [m.get("text") for m in out.messages]
    print(json.dumps(said, ensure_ascii=False))

asyncio.run(main())
"""


def test_a_failed_turn_says_only_please_try_again_and_a_good_turn_is_untouched():
    if not RASA_PYTHON.exists():
        pytest.skip("no .venv-rasa (make setup creates it)")
    result = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    said = json.loads(result.stdout.strip().splitlines()[-1])
    busy = yaml.safe_load((REPO_ROOT / "webhook" / "texts.yml").read_text(encoding="utf-8"))["busy"]
    assert said == {"broken": [busy], "fine": ["answer"]}
