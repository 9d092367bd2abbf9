"""Start the real assistant (Rasa server, action server, app) on free loopback ports for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.training import model_path
from service.settings import REPO_ROOT, Settings
from service.stack import processes

START_TIMEOUT_S = 600  # Rasa alone took over 4 minutes to load while several stacks started at once


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningStack:
    settings: Settings
    var_dir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"{self.settings.rasa_url}/webhooks/rest/webhook"

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One message through Rasa's REST channel; the bot's replies."""
        response = requests.post(self.rest_url, json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def log(self, name: str) -> str:
        return (self.var_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def start(self, name: str) -> None:
        spec = next(p for p in processes(self.settings, model_path()) if p.name == name)
        out = open(self.var_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open by the child
        self.procs[name] = subprocess.Popen(
            spec.argv, cwd=REPO_ROOT, env={**os.environ, **self.env, **spec.env}, stdout=out, stderr=subprocess.STDOUT
        )

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> dict:
        deadline = time.monotonic() + timeout
        last: dict = {}
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log(name)[-3000:]}")
            try:
                response = requests.get(f"{self.settings.app_url}/healthz", timeout=3)
                last = response.json()
                if response.status_code == 200:
                    return last
            except requests.RequestException:
                pass
            time.sleep(1)
        raise TimeoutError(f"stack not healthy after {timeout}s: {last}")


@contextmanager
def running_stack(var_dir: Path, extra_env: dict[str, str] | None = None):
    """The three processes on free ports with their own var/ directory; stopped on exit."""
    if not model_path().exists():
        raise RuntimeError(f"no Rasa model at {model_path()}; run `make bot-model` (make test does)")
    env = {
        "YIBAO_HOST": "127.0.0.1",
        "YIBAO_RASA_PORT": str(free_port()),
        "YIBAO_ACTIONS_PORT": str(free_port()),
        "YIBAO_APP_PORT": str(free_port()),
        "YIBAO_VAR_DIR": str(var_dir),
        "YIBAO_INDEX_DIR": str(REPO_ROOT / "var" / "index"),
        "YIBAO_MODEL_DIR": os.environ.get("YIBAO_MODEL_DIR", str(REPO_ROOT / "var" / "models" / "roformer-sim-small")),
        **(extra_env or {}),
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # Settings() reads the environment
    try:
        stack = RunningStack(Settings(), var_dir, env=env)
        for name in ("actions", "app", "rasa"):
            stack.start(name)
        try:
            stack.wait_healthy()
            yield stack
        finally:
            for name in list(stack.procs):
                stack.stop(name)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
