"""`make run-cluster`: prepare the shared engines, then run every replica and nginx under one supervisor.

Prepares what the replicas share, once, before any starts: the PostgreSQL database (created when
missing) and its schema, the demo members, the first admin, the knowledge base's seed, the Flask
secret key and the internal API's token (var/cluster/), and nginx's configuration. Then two replicas each of Rasa, the action
server and the app, and nginx on 127.0.0.1:8080, run until Ctrl-C; a replica that dies is restarted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from deploy.layout import ClusterLayout
from deploy.nginx import write_config
from deploy.supervisor import Supervisor
from service.settings import REPO_ROOT
from service.stack import Process
from storage.db import normalize_url


class ClusterUnavailable(RuntimeError):
    """A shared engine (PostgreSQL, Redis) cannot be reached; the message says which."""


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    target = make_url(normalize_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": target.database}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    except Exception as exc:  # noqa: BLE001 - any failure: the server is missing or refuses us
        raise ClusterUnavailable(f"PostgreSQL at {target.render_as_string()} unusable: {exc}") from exc
    finally:
        admin.dispose()


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise ClusterUnavailable(f"Redis at {url} unreachable: {exc}") from exc


def prepare(layout: ClusterLayout, demo: bool = True) -> None:
    """Everything the replicas share, done once: database, schema, demo data, admin, keys."""
    ensure_database(layout.database_url)
    check_redis(layout.redis_url)
    layout.var_dir.mkdir(parents=True, exist_ok=True)
    layout.settings(1).secret_key()  # created here, not by two replicas at once
    env = {**os.environ, "DATABASE_URL": layout.database_url, "YIBAO_VAR_DIR": str(layout.var_dir)}
    yibao = str(Path(sys.executable).parent / "yibao")
    steps = [[yibao, "db", "demo"] if demo else [yibao, "db", "upgrade"], [yibao, "users", "ensure-admin"]]
    for step in steps:
        subprocess.run(step, cwd=REPO_ROOT, env=env, check=True)
    seed_knowledge_base(layout.database_url)


def seed_knowledge_base(url: str) -> None:
    """Seed the knowledge base from knowledge/entries once, here: replicas seeding at once would collide."""
    from knowledge.store.repository import seed_from_files
    from storage.db import make_engine, session_scope

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            seed_from_files(session)
    finally:
        engine.dispose()


def all_processes(layout: ClusterLayout, model: Path | None = None) -> list[Process]:
    """The replicas and nginx (nginx last, so it starts when its upstreams are starting)."""
    _, nginx_argv = write_config(layout)
    return [*layout.processes(model), Process("nginx", nginx_argv, {})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo members")
    args = parser.parse_args()
    layout = ClusterLayout.from_env()
    try:
        prepare(layout, demo=not args.no_demo)
    except ClusterUnavailable as exc:
        sys.exit(f"cluster not started: {exc}")
    specs = all_processes(layout)
    print(
        f"医保助手 cluster starting ({len(layout.app_ports)} replicas each of Rasa, actions and app):\n"
        f"  everything   {layout.public_url}  (/healthz, /wechat, /console, /login, /webhooks/rest/webhook)\n"
        f"  Rasa (internal)     {layout.rasa_lb_url}    actions (internal) {layout.actions_lb_url}\n"
        f"  database {make_url(normalize_url(layout.database_url)).render_as_string()}  redis {layout.redis_url}\n"
        "A replica that exits is restarted. Ctrl-C stops everything.",
        flush=True,
    )
    sys.exit(Supervisor(specs, REPO_ROOT, layout.var_dir / "pids").run())


if __name__ == "__main__":
    main()
