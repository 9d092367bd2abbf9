"""Faults while the cluster is under load (issue 7): kill one replica of each service in turn,
restart PostgreSQL, stop Redis for 30 s.

The crowd of bench/residents.py (50 residents, through nginx) runs the whole time. For each fault:
the messages sent from its start until the cluster had recovered, how they were answered (answered,
a polite "please try again shortly", or an error: none allowed), whether the supervisor restarted the
replica, and how long until every replica answered again and a resident's message was answered.
Afterwards Rasa's tracker in PostgreSQL is checked: no answered message lost, none stored twice.

PostgreSQL and Redis are shared with other people's tests: both are always started again at the end,
however the run ends. Results: BENCHMARKS.md and bench/results/cluster_faults.{json,png}.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import threading
import time

import redis

from bench.cluster_load import OUTCOMES, bench_model, run_dir, summary, timeline_chart
from bench.report import RESULTS_DIR, save_json, update_section
from bench.residents import Books, crowd, tracker_check
from storage.db import make_engine

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]
REDIS_DOWN_S = 30
SETTLE_S = 15  # load without faults between two faults
RECOVERY_TIMEOUT_S = 600  # a Rasa replica loads its model for minutes on 2 busy cores


def pg_cluster_command(action: str) -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]


def redis_up() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def restore_shared_servers() -> None:
    """Start PostgreSQL and Redis again if they are not running (other people's tests need them)."""
    if subprocess.run(pg_cluster_command("status"), capture_output=True).returncode != 0:
        subprocess.run(pg_cluster_command("start"), check=False)
    if not redis_up():
        subprocess.run(REDIS_START, check=False)


class FaultRun:
    """Injects the faults into ``cluster`` one after another and times each recovery."""

    def __init__(self, cluster, books_started: float) -> None:  # noqa: ANN001 - a RunningCluster
        self.cluster = cluster
        self.origin = books_started
        self.faults: list[dict] = []

    def now(self) -> float:
        return time.monotonic() - self.origin

    def recovered(self, since: float) -> float:
        """Wait until every replica answers and a chat message is answered; seconds since ``since``."""
        deadline = time.monotonic() + RECOVERY_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                self.cluster.wait_healthy(timeout=RECOVERY_TIMEOUT_S)
                reply = self.cluster.send(f"probe-{int(time.time() * 1000)}", "起付线是什么意思", timeout=10)
                if reply and "请稍后" not in str(reply) and "稍等" not in str(reply):
                    return time.monotonic() - since
            except Exception:  # noqa: BLE001 - not yet
                pass
            time.sleep(1)
        raise TimeoutError("the cluster did not recover")

    def kill(self, name: str) -> None:
        supervisor = self.cluster.supervisor
        pid = supervisor.pid(name)
        at, started = self.now(), time.monotonic()
        os.killpg(pid, signal.SIGKILL)
        recovery = self.recovered(started)
        new_pid = supervisor.pid(name)
        self.faults.append({"fault": f"kill -9 {name}", "at_s": round(at, 1), "recovered_after_s": round(recovery, 1),
                            "restarted_by_supervisor": new_pid not in (None, pid)})

    def restart_postgres(self) -> None:
        at, started = self.now(), time.monotonic()
        subprocess.run(pg_cluster_command("restart"), check=True, capture_output=True)
        self.faults.append({"fault": "restart PostgreSQL", "at_s": round(at, 1),
                            "recovered_after_s": round(self.recovered(started), 1)})

    def stop_redis(self) -> None:
        at, started = self.now(), time.monotonic()
        subprocess.run(["redis-cli", "shutdown", "nosave"], check=False, capture_output=True)
        try:
            time.sleep(REDIS_DOWN_S)
        finally:
            subprocess.run(REDIS_START, check=True, capture_output=True)
        self.faults.append({"fault": f"Redis down {REDIS_DOWN_S} s", "at_s": round(at, 1),
                            "recovered_after_s": round(self.recovered(started), 1)})

    def run(self) -> None:
        for name in ("rasa-1", "actions-1", "app-1"):
            time.sleep(SETTLE_S)
            self.kill(name)
        time.sleep(SETTLE_S)
        self.restart_postgres()
        time.sleep(SETTLE_S)
        self.stop_redis()
        time.sleep(SETTLE_S)


def window_outcomes(books: Books, fault: dict) -> dict:
    """How the attempts answered between the fault and its recovery (+5 s) were answered."""
    start, end = fault["at_s"], fault["at_s"] + fault["recovered_after_s"] + 5
    window = [a for a in books.attempts if start <= a.started_s + a.ms / 1000 <= end]
    return {name: sum(a.outcome == name for a in window) for name in OUTCOMES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-r", "--residents", type=int, default=50)
    parser.add_argument("--keep-database", action="store_true",
                        help="keep the run's PostgreSQL database (its name is printed) to read the tracker afterwards")
    args = parser.parse_args()
    from tests.integration.cluster import running_cluster

    try:
        with running_cluster(run_dir("cluster_faults"), model=bench_model(), keep_database=args.keep_database) as cluster:
            if args.keep_database:
                print(f"database kept: {cluster.layout.database_url}", flush=True)
            db = make_engine(cluster.layout.database_url)
            crowd(cluster.url, db, residents=5, seconds=15, books=Books(prefix="warm"))
            stop, books = threading.Event(), Books()
            load_before = os.getloadavg()
            load = threading.Thread(target=crowd, args=(cluster.url, db, args.residents, 3600, stop, books))
            load.start()
            faults = FaultRun(cluster, books.started)
            try:
                faults.run()
            finally:
                stop.set()
                load.join()
                restore_shared_servers()
            elapsed = time.monotonic() - books.started
            for fault in faults.faults:
                fault["outcomes"] = window_outcomes(books, fault)
            result = {"residents": args.residents, "faults": faults.faults, **summary(books, elapsed),
                      "tracker": tracker_check(db, books), "load_avg_before": [round(x, 1) for x in load_before],
                      "load_avg_after": [round(x, 1) for x in os.getloadavg()]}
            db.dispose()
            books.save(cluster.layout.var_dir / "attempts.jsonl")
            report(result, books, faults)  # before the cluster's teardown, which could fail
    finally:
        restore_shared_servers()
    print(result)


def report(result: dict, books: Books, faults: FaultRun) -> None:
    save_json("cluster_faults", result)
    timeline_chart(books.attempts, RESULTS_DIR / "cluster_faults.png",
                   f"{result['residents']} residents while replicas die, PostgreSQL restarts and Redis stops",
                   [(f["at_s"], f["fault"]) for f in faults.faults])
    write_section(result)


def write_section(result: dict) -> None:
    rows = "\n".join(
        f"| {f['fault']} | {f['at_s']} s | {f['outcomes']['answered']} | {f['outcomes']['busy']} | {f['outcomes']['outage']} "
        f"| {f['outcomes']['error']} "
        f"| {f['recovered_after_s']} s | {'yes' if f.get('restarted_by_supervisor') else '—' if 'restarted_by_supervisor' not in f else 'NO'} |"
        for f in result["faults"])
    tracker, out = result["tracker"], result["outcomes"]
    passed = out["error"] == 0 and tracker["lost"] == 0 and tracker["doubled"] == 0 and result["flows"].get("gave up", 0) == 0
    update_section(
        "cluster_faults",
        f"""## The cluster under faults (issue 7)

`python -m bench.cluster_faults` (in `make bench`): the same cluster and {result['residents']} residents as above,
for {result['seconds']:.0f} s, while one replica of each service is killed (`kill -9` of its process group) in
turn, PostgreSQL is restarted (`pg_ctlcluster ... restart`) and Redis is stopped for 30 s
(`redis-cli shutdown nosave`, then started again). Each row counts the requests sent from the fault
until the cluster had recovered (+5 s): answered, a polite "please try again shortly" (nginx's
“系统繁忙，请稍后再试。” or the bot's own outage reply), or an error (none allowed). Recovered: every
replica answers its health check again and a new message is answered.

| fault | at | answered | "try again" (no turn ran) | bot's outage reply | errors | recovered after | restarted by the supervisor |
|---|---|---|---|---|---|---|---|
{rows}

Whole run: {result['answered_messages']} messages answered ({result['messages_per_s']} msg/s), {out['busy']} polite
"try again" replies where no turn ran, {out['outage']} bot outage replies, {out['error']} errors; residents who gave up on a message after 15 tries: {result['flows'].get('gave up', 0)};
verifications with the own check: {result['flows'].get('checked', 0)}. Rasa's tracker: {tracker['lost']} answered messages
missing, {tracker['doubled']} stored more often than a turn ran for them (a message the resident was told
to send again had been handled) — **{'met' if passed else 'NOT met'}**. Machine load
before {result['load_avg_before']}, after {result['load_avg_after']}.
Chart: `bench/results/cluster_faults.png` (dashed lines: the faults).""",
    )


if __name__ == "__main__":
    main()
