"""Start the scale-out layout (deploy/) on free loopback ports for tests and benchmarks.

Every replica of Rasa, the action server and the app, and nginx, under the cluster's own supervisor
(in a thread), on a fresh PostgreSQL database (dropped afterwards) and Redis database 3 (its yibao:*
keys deleted afterwards), so nothing is shared with `make run-cluster` or other tests.
"""

from __future__ import annotations

import random
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.training import model_path
from deploy.cluster import all_processes, prepare
from deploy.layout import ClusterLayout
from deploy.supervisor import Supervisor
from service.settings import REPO_ROOT
from storage.db import normalize_url

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_TEST_URL = "redis://127.0.0.1:6379/3"
START_TIMEOUT_S = 600


@dataclass
class RunningCluster:
    layout: ClusterLayout
    supervisor: Supervisor
    log_path: Path

    @property
    def url(self) -> str:
        """nginx's public address."""
        return self.layout.public_url

    @property
    def token_headers(self) -> dict[str, str]:
        return {"X-Internal-Token": self.layout.internal_token()}

    def send(self, sender: str, message: str, rasa: int | None = None, timeout: float = 30) -> list[dict]:
        """One chat message: through nginx, or straight to Rasa replica ``rasa`` (from 1)."""
        base = self.layout.replica_url("rasa", rasa) if rasa else self.url
        response = requests.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                                 timeout=timeout)
        response.raise_for_status()
        return response.json()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def replica_healthy(self, name: str) -> bool:
        """True when process ``name`` (e.g. rasa-2) answers its health check directly."""
        service, number = name.rsplit("-", 1)
        base = self.layout.replica_url(service, int(number))
        path = {"rasa": "/", "actions": "/health", "app": "/healthz"}[service]
        try:
            return requests.get(base + path, timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, names: list[str] | None = None, timeout: float = START_TIMEOUT_S) -> float:
        """Wait until every replica (or ``names``) answers; the seconds it took."""
        names = names or [name for name in self.supervisor.children if name != "nginx"]
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if all(self.replica_healthy(name) for name in names):
                return time.monotonic() - started
            time.sleep(1)
        raise TimeoutError(f"cluster not healthy after {timeout}s; log tail:\n{self.log()[-4000:]}")


def service_ports(count: int) -> list[int]:
    """``count`` distinct free ports below the kernel's ephemeral range.

    A Rasa replica binds its port only after loading its model, minutes later on a busy machine; an
    ephemeral port (free_port) may by then be the local end of some outgoing connection.
    """
    range_file = Path("/proc/sys/net/ipv4/ip_local_port_range")
    ephemeral = int(range_file.read_text().split()[0]) if range_file.exists() else 32768
    found: list[int] = []
    while len(found) < count:
        port = random.randrange(20000, ephemeral)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port not in found:
            found.append(port)
    return found


def cluster_layout(var_dir: Path, database_url: str, replicas: int = 2, extra_env: dict | None = None) -> ClusterLayout:
    """A layout on free ports with its own var/ directory."""
    ports = service_ports(3 * replicas + 3)
    return ClusterLayout(
        rasa_ports=tuple(ports[0:replicas]), actions_ports=tuple(ports[replicas:2 * replicas]),
        app_ports=tuple(ports[2 * replicas:3 * replicas]),
        public_port=ports[-3], rasa_lb_port=ports[-2], actions_lb_port=ports[-1],
        database_url=database_url, redis_url=REDIS_TEST_URL, var_dir=var_dir, extra_env=dict(extra_env or {}),
    )


@contextmanager
def fresh_database(keep: bool = False) -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped on exit unless ``keep``."""
    name = f"yibao_it_{secrets.token_hex(4)}"
    # pre-ping: the fault benchmark restarts PostgreSQL meanwhile, killing pooled connections
    admin = create_engine(normalize_url(POSTGRES_ADMIN), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drop_connections(url: str) -> int:
    """Terminate every open connection to the database of ``url``, as a PostgreSQL restart does; how many.

    Only that database's sessions end: the server stays up for everyone else who shares it.
    """
    name = make_url(normalize_url(url)).database
    admin = create_engine(normalize_url(POSTGRES_ADMIN), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
            ), {"name": name}).all())
    finally:
        admin.dispose()


@contextmanager
def database_down(url: str) -> Iterator[None]:
    """While inside, the database of ``url`` has no connection and refuses new ones (PostgreSQL down,
    for this one database only); it accepts them again on exit."""
    name = make_url(normalize_url(url)).database
    admin = create_engine(normalize_url(POSTGRES_ADMIN), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        drop_connections(url)
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()


def forget_redis_keys(url: str = REDIS_TEST_URL) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="yibao:*", count=500):
        client.delete(key)


@contextmanager
def running_cluster(var_dir: Path, replicas: int = 2, extra_env: dict | None = None,
                    model: Path | None = None, keep_database: bool = False) -> Iterator[RunningCluster]:
    """The whole cluster, healthy; stopped and its database dropped (unless ``keep_database``) on exit."""
    model = model or model_path()
    if not model.exists():
        raise RuntimeError(f"no Rasa model at {model}; run `make bot-model` (make test does)")
    with fresh_database(keep=keep_database) as database_url:
        layout = cluster_layout(var_dir, database_url, replicas, extra_env)
        prepare(layout)
        log_path = var_dir / "cluster.log"
        with open(log_path, "w", encoding="utf-8") as out:
            supervisor = Supervisor(all_processes(layout, model), REPO_ROOT, var_dir / "pids", out=out)
            runner = threading.Thread(target=supervisor.run, name="cluster-supervisor", daemon=True)
            runner.start()
            try:
                cluster = RunningCluster(layout, supervisor, log_path)
                cluster.wait_healthy()
                yield cluster
            finally:
                supervisor.request_stop()
                runner.join(timeout=60)
                forget_redis_keys(layout.redis_url)
