"""The three processes of the assistant and a supervisor that runs them together (`make run`).

Rasa server and action server run from .venv-rasa, the app from .venv. The same definitions
start the stack in the integration tests (tests/integration/stack.py).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from service.settings import REPO_ROOT, Settings

RASA_PYTHON = REPO_ROOT / ".venv-rasa" / "bin" / "python"
#: The Redis lock store added to Rasa's endpoints whenever YIBAO_REDIS_URL is set (several Rasa replicas).
LOCK_STORE_YML = REPO_ROOT / "deploy" / "lock_store.yml"
#: How long (s) a conversation's lock outlives a Rasa replica that died holding it (Rasa's default: 60).
LOCK_LIFETIME_S = 15


@dataclass(frozen=True)
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]


def _model_path() -> Path:
    sys.path.insert(0, str(REPO_ROOT))
    from bot.training import model_path

    return model_path()


def shared_env(settings: Settings) -> dict[str, str]:
    """Environment every process needs to find the others and its data."""
    # Rasa's SQLAlchemy 1.4 speaks to PostgreSQL through psycopg2, the plain postgresql:// URL.
    tracker = settings.rasa_tracker_url.replace("postgresql+psycopg://", "postgresql://")
    return {
        "PYTHONPATH": str(REPO_ROOT),
        "YIBAO_VAR_DIR": str(settings.var_dir),
        "YIBAO_APP_URL": settings.app_url,
        "YIBAO_RASA_URL": settings.rasa_url,
        "YIBAO_ACTIONS_URL": settings.actions_url,
        "YIBAO_TRACKER_URL": tracker,
        "YIBAO_TRACKER_DIALECT": tracker.split(":", 1)[0].split("+", 1)[0],
        "YIBAO_TRACKER_DB": "rasa",
        "SANIC_HOST": settings.host,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "HF_HUB_OFFLINE": "1",
        "RASA_TELEMETRY_ENABLED": "false",  # no reports to outside servers
        **(lock_store_env(settings.redis_url) if settings.redis_url else {}),
    }


def lock_store_env(redis_url: str) -> dict[str, str]:
    """The variables deploy/lock_store.yml reads: Rasa's RedisLockStore on ``redis_url``."""
    from urllib.parse import urlsplit

    parts = urlsplit(redis_url)
    return {
        "YIBAO_LOCK_REDIS_HOST": parts.hostname or "127.0.0.1",
        "YIBAO_LOCK_REDIS_PORT": str(parts.port or 6379),
        "YIBAO_LOCK_REDIS_DB": parts.path.strip("/") or "0",
        "YIBAO_LOCK_KEY_PREFIX": "yibao",
        "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S),
    }


def endpoints_file(settings: Settings) -> str:
    """Rasa's endpoints: endpoints.yml; with Redis configured, it plus deploy/lock_store.yml, written
    together to <var>/endpoints.shared.yml (one source for everything else, so the two never drift)."""
    if not settings.redis_url:
        return "endpoints.yml"
    path = settings.var_dir / "endpoints.shared.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    base = (REPO_ROOT / "endpoints.yml").read_text(encoding="utf-8")
    path.write_text(base.rstrip("\n") + "\n" + LOCK_STORE_YML.read_text(encoding="utf-8"), encoding="utf-8")
    return str(path)


def processes(settings: Settings, model: Path | None = None) -> list[Process]:
    """The Rasa server, the action server and the app, configured by ``settings``."""
    env = shared_env(settings)
    model = model or _model_path()
    return [
        Process(
            "rasa",
            [str(RASA_PYTHON), "-m", "bot.server", "run", "--enable-api", "--interface", settings.host,
             "--port", str(settings.rasa_port), "--model", str(model), "--endpoints", endpoints_file(settings),
             "--credentials", "credentials.yml"],
            env,
        ),
        Process(
            "actions",
            [str(RASA_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)],
            env,
        ),
        Process("app", [sys.executable, "-m", "service"], env),
    ]


def main() -> None:
    """Start all processes under honcho, print the addresses, stop everything on Ctrl-C."""
    from honcho.manager import Manager

    settings = Settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    manager = Manager()
    for process in processes(settings):
        manager.add_process(process.name, " ".join(_quote(a) for a in process.argv), cwd=str(REPO_ROOT),
                            env={**os.environ, **process.env})
    print(
        f"医保助手 starting:\n  Rasa REST  {settings.rasa_url}/webhooks/rest/webhook\n"
        f"  actions    {settings.actions_url}\n  app        {settings.app_url}  (health: {settings.app_url}/healthz)\n"
        "Ctrl-C stops everything.",
        flush=True,
    )
    manager.loop()
    sys.exit(manager.returncode)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


if __name__ == "__main__":
    main()
