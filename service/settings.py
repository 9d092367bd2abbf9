"""All settings of the assistant, read from the environment in one typed place.

Every address binds to 127.0.0.1 by default; ports and URLs can be changed with YIBAO_* variables.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Where everything lives and listens."""

    host: str = field(default_factory=lambda: _env("YIBAO_HOST", "127.0.0.1"))
    rasa_port: int = field(default_factory=lambda: int(_env("YIBAO_RASA_PORT", "5005")))
    actions_port: int = field(default_factory=lambda: int(_env("YIBAO_ACTIONS_PORT", "5055")))
    app_port: int = field(default_factory=lambda: int(_env("YIBAO_APP_PORT", "8000")))
    var_dir: Path = field(default_factory=lambda: Path(_env("YIBAO_VAR_DIR", str(REPO_ROOT / "var"))))
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    tracker_url: str = field(default_factory=lambda: _env("YIBAO_TRACKER_URL", ""))
    internal_token: str = field(default_factory=lambda: _env("YIBAO_INTERNAL_TOKEN", ""))
    threads: int = field(default_factory=lambda: int(_env("YIBAO_APP_THREADS", "8")))
    migrate_on_start: bool = field(default_factory=lambda: _env("YIBAO_MIGRATE_ON_START", "1") == "1")
    #: Where verification codes are posted as {"phone", "text"}; empty: the development outbox table.
    sms_url: str = field(default_factory=lambda: _env("YIBAO_SMS_URL", ""))
    # Console (agents and knowledge-base staff)
    kb_check_interval_s: float = field(default_factory=lambda: float(_env("YIBAO_KB_CHECK_INTERVAL_S", "2")))
    gate_max_drop_points: float = field(default_factory=lambda: float(_env("YIBAO_GATE_MAX_DROP_POINTS", "2")))
    login_max_failures: int = field(default_factory=lambda: int(_env("YIBAO_LOGIN_MAX_FAILURES", "5")))
    login_window_s: int = field(default_factory=lambda: int(_env("YIBAO_LOGIN_WINDOW_S", "900")))
    #: db, memory or redis; empty: redis when YIBAO_REDIS_URL is set, else db (see ``login_limits``).
    login_limit_store: str = field(default_factory=lambda: _env("YIBAO_LOGIN_LIMIT_STORE", ""))
    secure_cookies_env: str = field(default_factory=lambda: _env("YIBAO_SECURE_COOKIES", ""))
    # Scale-out: with DATABASE_URL on PostgreSQL and YIBAO_REDIS_URL set, every store is shared (README, Cluster).
    #: Redis for the short-lived shared state: Rasa's lock store, WeChat dedupe and token, login limits.
    redis_url: str = field(default_factory=lambda: _env("YIBAO_REDIS_URL", ""))
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (nginx: 1).
    trusted_proxies: int = field(default_factory=lambda: int(_env("YIBAO_TRUSTED_PROXIES", "0")))

    @property
    def rasa_url(self) -> str:
        return _env("YIBAO_RASA_URL", f"http://{self.host}:{self.rasa_port}")

    @property
    def actions_url(self) -> str:
        return _env("YIBAO_ACTIONS_URL", f"http://{self.host}:{self.actions_port}/webhook")

    @property
    def app_url(self) -> str:
        return _env("YIBAO_APP_URL", f"http://{self.host}:{self.app_port}")

    @property
    def secure_cookies(self) -> bool:
        """Mark cookies Secure: $YIBAO_SECURE_COOKIES=1/0, else when the app is served over https."""
        if self.secure_cookies_env:
            return self.secure_cookies_env == "1"
        return self.app_url.startswith("https://")

    @property
    def public_url(self) -> str:
        """The app's address as residents' phones reach it (links to /bind): $YIBAO_PUBLIC_URL or app_url."""
        return _env("YIBAO_PUBLIC_URL", self.app_url).rstrip("/")

    @property
    def db_url(self) -> str:
        """The app's database: $DATABASE_URL, or a SQLite file under var/."""
        return self.database_url or f"sqlite:///{self.var_dir / 'yibao.db'}"

    @property
    def rasa_tracker_url(self) -> str:
        """Rasa's SQL tracker store: $YIBAO_TRACKER_URL; else the app's database when it is a server
        (PostgreSQL: Rasa owns its ``events`` table there); else a SQLite file under var/."""
        if self.tracker_url:
            return self.tracker_url
        if self.database_url and not self.database_url.startswith("sqlite"):
            return self.database_url
        return f"sqlite:///{self.var_dir / 'rasa_tracker.db'}"

    @property
    def login_limits(self) -> str:
        """Where failed logins are counted: $YIBAO_LOGIN_LIMIT_STORE if set, else Redis when configured."""
        return self.login_limit_store or ("redis" if self.redis_url else "db")

    @property
    def index_dir(self) -> Path:
        """Cached entry vectors: $YIBAO_INDEX_DIR or var/index (tests share the repo's cache)."""
        return Path(_env("YIBAO_INDEX_DIR", str(self.var_dir / "index")))

    def secret_key(self) -> str:
        """Flask's secret key: $YIBAO_SECRET_KEY, or one generated once and kept in var/ (mode 600)."""
        return os.environ.get("YIBAO_SECRET_KEY") or kept_secret(self.var_dir / "secret_key")


def kept_secret(path: Path) -> str:
    """A random secret generated on first use and kept in ``path`` (mode 600) for every later start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
