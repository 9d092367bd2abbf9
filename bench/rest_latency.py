"""Latency of policy questions through Rasa's REST channel, one conversation at a time.

Starts the real stack (or uses --url of a running one), sends N messages, reports p50/p95/p99
and messages per second into BENCHMARKS.md and bench/results/rest_latency.{json,png}.
Target (issue 2): p95 under 150 ms per policy question on this 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import requests
import yaml
from tqdm import tqdm

from bench.report import RESULTS_DIR, percentiles, save_json, update_section

DEVSET_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "devset"


def questions() -> list[str]:
    """The team's dev questions that have an answer in the base."""
    found = []
    for path in sorted(DEVSET_DIR.glob("*.yml")):
        found += [item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8")) if item.get("expected")]
    return found


def measure(rest_url: str, count: int, warmup: int = 10) -> dict:
    pool = questions()
    session = requests.Session()
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for text in pool[:warmup]:
        session.post(rest_url, json={"sender": sender, "message": text}, timeout=30)
    latencies = []
    started = time.perf_counter()
    for i in tqdm(range(count), desc="messages", unit="msg"):
        text = pool[i % len(pool)]
        t0 = time.perf_counter()
        response = session.post(rest_url, json={"sender": f"{sender}-{i % 50}", "message": text}, timeout=30)
        response.raise_for_status()
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    return {"messages": count, "messages_per_s": round(count / elapsed, 1), **percentiles(latencies), "latencies_ms": latencies}


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
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.count)
    else:
        from tests.integration.stack import running_stack

        with tempfile.TemporaryDirectory() as var_dir, running_stack(Path(var_dir)) as stack:
            result = measure(stack.rest_url, args.count)
    latencies = result.pop("latencies_ms")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    chart(latencies, RESULTS_DIR / "rest_latency.png")
    save_json("rest_latency", result)
    verdict = "met" if result["p95_ms"] < 150 else "NOT met"
    update_section(
        "rest_latency",
        f"""## Policy questions through the REST channel (issue 2)

`python -m bench.rest_latency -n {result['messages']}`: the team's answerable dev questions, one
conversation at a time, through the real Rasa server, action server and app.

| messages | msg/s | p50 | p95 | p99 |
|---|---|---|---|---|
| {result['messages']} | {result['messages_per_s']} | {result['p50_ms']} ms | {result['p95_ms']} ms | {result['p99_ms']} ms |

Target p95 < 150 ms: **{verdict}**. Chart: `bench/results/rest_latency.png`.""",
    )
    print(result)


if __name__ == "__main__":
    main()
