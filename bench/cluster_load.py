"""Fifty residents at once for two minutes against the cluster, through nginx (issue 7).

Starts the scale-out layout (two replicas each of Rasa, the action server and the app, nginx;
a fresh PostgreSQL database and Redis database 3), then bench/residents.py's crowd: policy
questions, verification through /bind and checks of the own record. Reports messages per second,
p50/p95/p99, the error rate and the tracker check (every answered message in its conversation
exactly once) into BENCHMARKS.md and bench/results/cluster_load.{json,png}.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from bench.report import REPO_ROOT, RESULTS_DIR, percentiles, save_json, update_section
from bench.residents import Attempt, Books, crowd, tracker_check
from bot.training import MODELS_DIR, model_path
from storage.db import make_engine


def bench_model() -> Path:
    """The model for the current bot data, else the newest trained one (the bench measures serving)."""
    current = model_path()
    if current.exists():
        return current
    trained = sorted(MODELS_DIR.glob("bot-*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not trained:
        raise SystemExit("no Rasa model: run `make bot-model`")
    print(f"note: no model for the current bot data; using {trained[-1].name}")
    return trained[-1]


#: answered; busy: nginx's or the channel's "try again" (no turn ran); outage: the bot's own "try again"
#: (a turn ran, an action could not reach the app); error: anything else (none allowed).
OUTCOMES = ("answered", "busy", "outage", "error")


def run_dir(name: str) -> Path:
    """A fresh var/bench/<name>/ for the cluster's files; its cluster.log stays for reading afterwards."""
    path = REPO_ROOT / "var" / "bench" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def summary(books: Books, seconds: float) -> dict:
    """The figures of one run: rates, latency of answered chat messages, outcomes, flows."""
    chat = [a for a in books.attempts if a.kind == "chat"]
    answered = [a for a in chat if a.outcome == "answered"]
    outcomes = {name: sum(a.outcome == name for a in books.attempts) for name in OUTCOMES}
    return {
        "seconds": round(seconds, 1),
        "chat_attempts": len(chat),
        "web_attempts": len(books.attempts) - len(chat),
        "answered_messages": len(answered),
        "messages_per_s": round(len(answered) / seconds, 2),
        "latency": percentiles([a.ms for a in answered]) if answered else {},
        "outcomes": outcomes,
        "error_rate": round(outcomes["error"] / max(1, len(books.attempts)), 4),
        "busy_rate": round((outcomes["busy"] + outcomes["outage"]) / max(1, len(books.attempts)), 4),
        "flows": dict(books.flows),
    }


def timeline_chart(attempts: list[Attempt], path: Path, title: str, marks: list[tuple[float, str]] = ()) -> None:
    """Answered, busy and failed attempts per 5 s, and the p95 latency of each 5 s, over the run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    end = max(a.started_s for a in attempts) + 5
    edges = np.arange(0, end + 5, 5)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    for outcome, colour in (("answered", "#2f6f9f"), ("busy", "#e67e22"), ("outage", "#8e44ad"), ("error", "#c0392b")):
        counts, _ = np.histogram([a.started_s for a in attempts if a.outcome == outcome], bins=edges)
        top.plot(edges[:-1], counts / 5, color=colour, label=outcome)
    top.set_ylabel("requests/s")
    top.legend(loc="upper right", fontsize=8)
    top.set_title(title)
    p95 = [np.percentile(ms, 95) if (ms := [a.ms for a in attempts if a.outcome == "answered" and lo <= a.started_s < lo + 5])
           else np.nan for lo in edges[:-1]]
    bottom.plot(edges[:-1], p95, color="#2f6f9f")
    bottom.set_ylabel("p95 of answered (ms)")
    bottom.set_xlabel("seconds since the load began")
    for at, label in marks:
        for axis in (top, bottom):
            axis.axvline(at, color="#7f8c8d", linestyle="--", linewidth=0.8)
        top.annotate(label, (at, top.get_ylim()[1] * 0.9), fontsize=7, rotation=90, va="top")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-r", "--residents", type=int, default=50)
    parser.add_argument("-s", "--seconds", type=float, default=120)
    args = parser.parse_args()
    from tests.integration.cluster import running_cluster

    with running_cluster(run_dir("cluster_load"), model=bench_model()) as cluster:
        db = make_engine(cluster.layout.database_url)
        crowd(cluster.url, db, residents=5, seconds=15, books=Books(prefix="warm"))  # warm every replica, the index and the pools
        load_before = os.getloadavg()
        started = time.monotonic()
        books = crowd(cluster.url, db, args.residents, args.seconds)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()
        result = {"residents": args.residents, **summary(books, elapsed), "tracker": tracker_check(db, books),
                  "load_avg_before": [round(x, 1) for x in load_before],
                  "load_avg_after": [round(x, 1) for x in load_after]}
        db.dispose()
        books.save(cluster.layout.var_dir / "attempts.jsonl")
    save_json("cluster_load", result)
    timeline_chart(books.attempts, RESULTS_DIR / "cluster_load.png",
                   f"{args.residents} residents through nginx, 2 replicas each (real cluster)")
    write_section(result)
    print(result)


def write_section(result: dict) -> None:
    lat, out, tracker = result["latency"], result["outcomes"], result["tracker"]
    exactly_once = tracker["lost"] == 0 and tracker["doubled"] == 0
    update_section(
        "cluster_load",
        f"""## The cluster under load: {result['residents']} residents for {result['seconds']:.0f} s (issue 7)

`python -m bench.cluster_load` (in `make bench`): the scale-out layout on this one machine (two
replicas each of Rasa, the action server and the app, nginx in front; PostgreSQL and Redis local),
{result['residents']} simulated residents at once through nginx, each typing the next message 1–3 s after the
last answer. About 70% ask policy questions from the dev set; the others also verify as the demo
member (Rasa's link → /bind → SMS code from the outbox) and ask for the check of their own record,
in one sentence or through the form. A resident told "please try again" retries after 3 s.

| answered msgs | msg/s | p50 | p95 | p99 | mean | error rate | "try again" | verifications checked |
|---|---|---|---|---|---|---|---|---|
| {result['answered_messages']} | {result['messages_per_s']} | {lat['p50_ms']} ms | {lat['p95_ms']} ms | {lat['p99_ms']} ms | {lat['mean_ms']} ms | {result['error_rate']:.2%} ({out['error']}) | {result['busy_rate']:.2%} ({out['busy'] + out['outage']}) | {result['flows'].get('checked', 0)} of {sum(result['flows'].values())} |

Exactly one reply per message: every chat request got exactly one HTTP answer, and Rasa's tracker
in PostgreSQL holds {tracker['messages_in_tracker']} messages of these residents: {tracker['lost']} answered ones missing,
{tracker['doubled']} stored more often than sent — **{'met' if exactly_once else 'NOT met'}**. Web requests (/bind pages):
{result['web_attempts']}. Machine load (1/5/15-minute averages, 2 cores) before {result['load_avg_before']}, after
{result['load_avg_after']}; every process of the cluster and the load generator share the same 2 cores,
so these figures are the floor of what separate machines would give.
Chart: `bench/results/cluster_load.png`.""",
    )


if __name__ == "__main__":
    main()
