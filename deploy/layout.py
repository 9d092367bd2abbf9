"""Where each replica of the cluster listens and what it is told: one typed place, from the environment.

The same process definitions as the single stack (service/stack.py), one set per replica, with every
address that leads to another service pointing at nginx rather than at one replica: the app and
the console reach Rasa through nginx, Rasa reaches the action servers through nginx, and the action
servers reach the app's API through nginx. Every process shares PostgreSQL and Redis.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from service.settings import REPO_ROOT, Settings, kept_secret
from service.stack import Process, processes

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/yibao_cluster"
#: Database 2 of the local Redis, so the cluster's keys stay apart from the tests' (database 0).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"
SERVICES = ("rasa", "actions", "app")


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _ports(first: int, count: int) -> tuple[int, ...]:
    return tuple(range(first, first + count))


@dataclass(frozen=True)
class ClusterLayout:
    """Ports of every replica and of nginx, the shared engines, and the cluster's var/ directory."""

    rasa_ports: tuple[int, ...]
    actions_ports: tuple[int, ...]
    app_ports: tuple[int, ...]
    public_port: int = 8080
    rasa_lb_port: int = 8081
    actions_lb_port: int = 8082
    host: str = "127.0.0.1"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    var_dir: Path = REPO_ROOT / "var" / "cluster"
    #: Extra variables for every replica (the load benchmark points the WeChat channel at a fake).
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> ClusterLayout:
        """The layout of `make run-cluster`: YIBAO_CLUSTER_REPLICAS (2), YIBAO_CLUSTER_PORT (8080),
        DATABASE_URL and YIBAO_REDIS_URL (the local servers), YIBAO_CLUSTER_VAR_DIR (var/cluster)."""
        count = int(_env("YIBAO_CLUSTER_REPLICAS", "2"))
        public = int(_env("YIBAO_CLUSTER_PORT", "8080"))
        return cls(
            rasa_ports=_ports(5105, count), actions_ports=_ports(5155, count), app_ports=_ports(8101, count),
            public_port=public, rasa_lb_port=public + 1, actions_lb_port=public + 2,
            database_url=_env("DATABASE_URL", DEFAULT_DATABASE_URL), redis_url=_env("YIBAO_REDIS_URL", DEFAULT_REDIS_URL),
            var_dir=Path(_env("YIBAO_CLUSTER_VAR_DIR", str(REPO_ROOT / "var" / "cluster"))),
        )

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.public_port}"

    @property
    def rasa_lb_url(self) -> str:
        return f"http://{self.host}:{self.rasa_lb_port}"

    @property
    def actions_lb_url(self) -> str:
        return f"http://{self.host}:{self.actions_lb_port}/webhook"

    def ports(self, service: str) -> tuple[int, ...]:
        """The ports of ``service``'s replicas (rasa, actions or app)."""
        return {"rasa": self.rasa_ports, "actions": self.actions_ports, "app": self.app_ports}[service]

    def replica_url(self, service: str, number: int) -> str:
        """The address of replica ``number`` (from 1) of ``service``, bypassing nginx."""
        return f"http://{self.host}:{self.ports(service)[number - 1]}"

    def internal_token(self) -> str:
        """The token of the app's internal API (nginx exposes /api): $YIBAO_INTERNAL_TOKEN or kept in var/."""
        return os.environ.get("YIBAO_INTERNAL_TOKEN") or kept_secret(self.var_dir / "internal_token")

    def settings(self, number: int) -> Settings:
        """The settings replica ``number`` (from 1) of each service runs with."""
        return Settings(
            host=self.host, rasa_port=self.rasa_ports[number - 1], actions_port=self.actions_ports[number - 1],
            app_port=self.app_ports[number - 1], var_dir=self.var_dir, database_url=self.database_url,
            tracker_url="", redis_url=self.redis_url, migrate_on_start=False, trusted_proxies=1,
        )

    def env(self, number: int) -> dict[str, str]:
        """Variables every process of replica ``number`` gets on top of the single stack's."""
        settings = self.settings(number)
        return {
            "DATABASE_URL": self.database_url,
            "YIBAO_REDIS_URL": self.redis_url,
            "YIBAO_HOST": self.host,
            "YIBAO_APP_PORT": str(settings.app_port),
            "YIBAO_RASA_URL": self.rasa_lb_url,
            "YIBAO_ACTIONS_URL": self.actions_lb_url,
            "YIBAO_APP_URL": self.public_url,
            "YIBAO_PUBLIC_URL": _env("YIBAO_PUBLIC_URL", self.public_url),
            "YIBAO_MIGRATE_ON_START": "0",  # migrated once before the replicas start
            "YIBAO_TRUSTED_PROXIES": "1",
            "YIBAO_INTERNAL_TOKEN": self.internal_token(),
            "YIBAO_APP_THREADS": _env("YIBAO_APP_THREADS", "32"),
            # The entry vectors are cached by text; every replica (and the single stack) shares them.
            "YIBAO_INDEX_DIR": _env("YIBAO_INDEX_DIR", str(REPO_ROOT / "var" / "index")),
            **self.extra_env,
        }

    def processes(self, model: Path | None = None) -> list[Process]:
        """Every replica of every service, named ``<service>-<number>``."""
        found: list[Process] = []
        for number in range(1, len(self.app_ports) + 1):
            extra = self.env(number)
            for spec in processes(self.settings(number), model):
                found.append(Process(f"{spec.name}-{number}", spec.argv, {**spec.env, **extra}))
        return sorted(found, key=lambda process: SERVICES.index(process.name.split("-")[0]))
