"""Latency of policy questions through Rasa's REST channel, one conversation at a time.

Starts the real stack (or uses --url of a running one), sends N messages, reports p50/p95/p99
and messages per second into BENCHMARKS.md and bench/results/rest_latency.{json,png}.
Target (issue 2): p95 under 150 ms per policy question on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
import yaml
from tqdm import tqdm

from bench.report import RESULTS_DIR, percentiles, save_json, update_section

#: What profiling a turn (py-spy on the Rasa server) found, kept beside the figures.
WHERE_THE_TIME_WENT = """Where a turn's time went (py-spy on the Rasa server during this benchmark, 2026-12-06):
before the fix in `bot/server.py`, 27 % of the Rasa process's samples were jsonschema checking the
*schema* of action-server responses against its metaschema on every custom action (about 50 ms
per turn under load; 0.04 ms with the validator compiled once), and 10 % were SQLite commits of
the tracker in rollback-journal mode with a full fsync (now WAL, `bot/tracker_store.py`). What
remains is TensorFlow inference (DIET once, TED twice per turn), Rasa's graph runner, and the
app's query encoding (RoFormer-Sim on one thread)."""

DEVSET_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "devset"


def questions() -> list[str]:
    """The team's dev questions that have an answer in the base."""
    found = []
    for path in sorted(DEVSET_DIR.glob("*.yml")):
        found += [item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8")) if item.get("expected")]
    return found


def _timed(call: Callable[[int, str], object], pool: list[str], count: int, desc: str) -> list[float]:
    latencies = []
    for i in tqdm(range(count), desc=desc, unit="msg"):
        t0 = time.perf_counter()
        call(i, pool[i % len(pool)])
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def measure(rest_url: str, count: int, app_url: str | None = None, warmup: int = 10) -> dict:
    """Whole turns through the REST channel; with ``app_url`` also the parts: Rasa's NLU alone
    (/model/parse) and the app's knowledge answer alone (/api/v1/answer), as the action calls it."""
    pool = questions()
    session = requests.Session()
    sender = f"bench-{uuid.uuid4().hex[:8]}"

    def post(url: str, payload: dict) -> None:
        session.post(url, json=payload, timeout=30).raise_for_status()

    for text in pool[:warmup]:
        post(rest_url, {"sender": sender, "message": text})
    load_before = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    turns = _timed(lambda i, text: post(rest_url, {"sender": f"{sender}-{i % 50}", "message": text}),
                   pool, count, "turns")
    elapsed = time.perf_counter() - started
    result = {"messages": count, "messages_per_s": round(count / elapsed, 1), **percentiles(turns),
              "load_before": load_before, "load_after": round(os.getloadavg()[0], 2), "latencies_ms": turns}
    if app_url:
        parse_url = rest_url.replace("/webhooks/rest/webhook", "/model/parse")
        parts = {
            "nlu": _timed(lambda i, text: post(parse_url, {"text": text}), pool, count, "nlu"),
            "answer": _timed(lambda i, text: post(f"{app_url}/api/v1/answer", {"text": text, "sender": sender}),
                             pool, count, "answer"),
        }
        result["parts"] = {name: percentiles(values) for name, values in parts.items()}
    return result


def chart(latencies: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(latencies, bins=60, color="#2f6f9f")
    ax.axvline(150, color="#c0392b", linestyle="--", label="p95 target 150 ms")
    ax.set_xlabel("reply time (ms)")
    ax.set_ylabel("messages")
    ax.set_title("Policy questions through the REST channel, one at a time")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=500)
    parser.add_argument("--url", help="REST webhook of a running stack; default: start one")
    parser.add_argument("--app-url", help="with --url: the running app, to time its answer API alone")
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.count, args.app_url)
    else:
        from tests.integration.stack import running_stack

        with tempfile.TemporaryDirectory() as var_dir, running_stack(Path(var_dir)) as stack:
            result = measure(stack.rest_url, args.count, stack.settings.app_url)
    latencies = result.pop("latencies_ms")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    chart(latencies, RESULTS_DIR / "rest_latency.png")
    save_json("rest_latency", result)
    verdict = "met" if result["p95_ms"] < 150 else "NOT met"
    parts = result.get("parts", {})
    part_rows = "\n".join(
        f"| {label} | {parts[name]['p50_ms']} ms | {parts[name]['p95_ms']} ms |"
        for name, label in (("nlu", "Rasa NLU alone (`/model/parse`)"), ("answer", "app answer alone (`/api/v1/answer`)"))
        if name in parts
    )
    update_section(
        "rest_latency",
        f"""## Policy questions through the REST channel (issue 2)

`python -m bench.rest_latency -n {result['messages']}`: the team's answerable dev questions, one
conversation at a time, through the real Rasa server, action server and app. Machine load
(1-minute average, 2 cores) before and after: {result['load_before']} and {result['load_after']}.

| messages | msg/s | p50 | p95 | p99 |
|---|---|---|---|---|
| {result['messages']} | {result['messages_per_s']} | {result['p50_ms']} ms | {result['p95_ms']} ms | {result['p99_ms']} ms |

Target p95 < 150 ms: **{verdict}**. Chart: `bench/results/rest_latency.png`.

The parts of a turn, measured alone right after (same questions):

| part | p50 | p95 |
|---|---|---|
{part_rows}

{WHERE_THE_TIME_WENT}""",
    )
    print(result)


if __name__ == "__main__":
    main()
