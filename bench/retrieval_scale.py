"""Latency, build throughput and memory of the knowledge search at 10,000 and 100,000 entries.

Synthetic entries are made from the real base: entry i copies a real entry's title, two of its
similar questions and its answer (cut to ~150 characters), each prefixed with one of many region
names and a year, so words, lengths and vocabulary look like the real thing. Building 100,000 real
embeddings would take hours here, so the index vectors of synthetic texts are their source text's
real vector plus small noise (re-normalised): the dense index has the real shape and clustering.
Queries are the team's dev questions, through the full query path (normalise, encode with one
torch thread, rank questions and passages, fuse, confidence).

Targets (issue 3): p95 ≤ 20 ms at 10,000 entries, p99 ≤ 30 ms at 100,000; build ≥ 200 short
entries/s and ≥ 50 passages/s (~150 characters) with 2 threads.

Usage: python -m bench.retrieval_scale [--sizes 10000,100000] [--queries 600]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
import zlib
from collections.abc import Sequence

import numpy as np
from tqdm import tqdm

from bench.report import RESULTS_DIR, percentiles, save_json, update_section
from knowledge.collection import Collection
from knowledge.devset import load_devset
from knowledge.encoder import Encoder, use_threads
from knowledge.entries import Entry, load_entries, published
from knowledge.fusion import Weights
from knowledge.normalize import normalize_text
from knowledge.search import KnowledgeSearch

REGIONS = ["北京", "上海", "天津", "重庆", "青岛", "嘉鱼", "武汉", "广州", "深圳", "成都", "杭州", "南京", "济南", "西安",
           "长沙", "郑州", "沈阳", "大连", "厦门", "福州", "合肥", "南昌", "昆明", "贵阳", "南宁", "海口", "兰州", "西宁",
           "银川", "太原", "石家庄", "呼和浩特", "哈尔滨", "长春", "乌鲁木齐", "拉萨", "苏州", "无锡", "宁波", "温州"]
PASSAGE_CHARS = 150


def synthetic_entries(base: Sequence[Entry], count: int, seed: int = 7) -> tuple[list[Entry], dict[str, str]]:
    """``count`` entries derived from ``base``, and each synthetic text's source text (both raw)."""
    rng = random.Random(seed)
    entries, origin = [], {}
    for i in range(count):
        e = base[rng.randrange(len(base))]
        place = f"{REGIONS[i % len(REGIONS)]}{i // len(REGIONS) % 97 + 1}区"
        picked = rng.sample(list(e.questions), 2)
        title, answer = f"{place}{e.title}", f"{place}{2010 + i % 15}年起：{e.answer}"[:PASSAGE_CHARS]
        entries.append(Entry(id=f"synthetic-{i:06d}", title=title, topic=e.topic, answer=answer,
                             questions=tuple(f"{place}{q}" for q in picked)))
        origin[title] = e.title
        origin.update({f"{place}{q}": q for q in picked})
        origin[f"{title} {answer}"] = f"{e.title} {e.answer}"
    return entries, origin


class NoisyVectors:
    """Stands in for the vector cache: a synthetic text's vector is its source text's real one plus noise."""

    def __init__(self, encoder: Encoder, base: Sequence[Entry], noise: float = 0.15, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        texts = sorted({normalize_text(t) for e in base for t in (e.title, *e.questions, f"{e.title} {e.answer}")})
        self.real = dict(zip(texts, encoder.encode(texts, show_progress=True), strict=True))
        self.keys = list(self.real)
        self.origin: dict[str, str] = {}

    def add_origin(self, origin: dict[str, str]) -> None:
        """Remember which real text each synthetic text comes from."""
        self.origin.update({normalize_text(k): normalize_text(v) for k, v in origin.items()})

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:  # noqa: ARG002
        out = np.empty((len(texts), len(self.real[self.keys[0]])), dtype=np.float32)
        for row, text in enumerate(texts):
            source = self.real.get(self.origin.get(text, text))
            if source is None:
                source = self.real[self.keys[zlib.crc32(text.encode()) % len(self.keys)]]
            vector = source + self.noise * self.rng.standard_normal(source.shape).astype(np.float32) / np.sqrt(source.size)
            out[row] = vector / np.linalg.norm(vector)
        return out


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build_throughput(encoder: Encoder, base: Sequence[Entry], short: int = 2000, passages: int = 400) -> dict:
    """Texts/s through normalise + segment + encode (2 threads, no cache) + index, for each text kind."""
    entries, _ = synthetic_entries(base, max(short, passages), seed=11)
    use_threads(2)
    out = {}
    for label, texts in (
        ("short_entries_per_s", [e.questions[0] for e in entries[:short]]),
        ("passages_per_s", [e.answer for e in entries[:passages]]),
    ):
        started = time.perf_counter()
        collection = Collection([normalize_text(t) for t in texts], Weights(1.0, 1.0, 1.0), encoder)
        collection.build()
        out[label] = round(len(texts) / (time.perf_counter() - started), 1)
        out[label.replace("_per_s", "_mean_chars")] = round(float(np.mean([len(t) for t in texts])), 1)
    return out


def query_latency(search: KnowledgeSearch, questions: Sequence[str], count: int) -> dict:
    """Full query path latency (one torch thread) and the encoding share of it."""
    use_threads(1)
    for text in questions[:20]:
        search.search(text)
    total, encode = [], []
    for i in tqdm(range(count), desc="queries", unit="q"):
        text = questions[i % len(questions)]
        started = time.perf_counter()
        search.search(text)
        total.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        search.encoder.encode_query(normalize_text(text))
        encode.append((time.perf_counter() - started) * 1000)
    return {**percentiles(total), "encode": percentiles(encode)}


def encoder_comparison(path, questions: Sequence[str]) -> dict:
    """One question at a time on one thread: the ONNX export against torch, and how far their vectors differ."""
    use_threads(1)
    torch_encoder, onnx_encoder = Encoder(path, query_backend="torch"), Encoder(path, query_backend="onnx")
    out: dict = {"backends": {}}
    vectors = {}
    for label, encoder in (("torch", torch_encoder), (onnx_encoder.query_backend, onnx_encoder)):
        for text in questions[:10]:
            encoder.encode_query(text)
        times, rows = [], []
        for text in questions:
            started = time.perf_counter()
            rows.append(encoder.encode_query(text))
            times.append((time.perf_counter() - started) * 1000)
        out["backends"][label] = percentiles(times)
        vectors[label] = np.stack(rows)
    if "onnx" in vectors:
        out["max_abs_difference"] = float(np.abs(vectors["onnx"] - vectors["torch"]).max())
    return out


def measure(sizes: Sequence[int], count: int) -> dict:
    base = published(load_entries())
    encoder = Encoder()
    questions = [item.question for item in load_devset()]
    result: dict = {"model": encoder.path.name, "query_encoder": encoder.query_backend,
                    "load_average_start": round(os.getloadavg()[0], 1),
                    "encoders": encoder_comparison(encoder.path, [normalize_text(q) for q in questions]),
                    "build": build_throughput(encoder, base)}
    vectors = NoisyVectors(encoder, base)
    result["baseline_rss_mb"] = round(rss_mb(), 0)  # models loaded, no index yet
    for size in sizes:
        entries, origin = synthetic_entries(base, size)
        vectors.add_origin(origin)
        before = rss_mb()
        use_threads(2)
        started = time.perf_counter()
        search = KnowledgeSearch(entries, encoder, vectors)  # type: ignore[arg-type] - duck-typed cache
        build_s = time.perf_counter() - started
        row = {"entries": size, "texts": len(search._state.question_texts) + size, "index_build_s": round(build_s, 1),
               "index_memory_mb": round(rss_mb() - before, 0), "process_rss_mb": round(rss_mb(), 0),
               **query_latency(search, questions, count)}
        result[str(size)] = row
        print(size, {k: row[k] for k in ("p50_ms", "p95_ms", "p99_ms", "index_memory_mb")})
        del search
    result["load_average_end"] = round(os.getloadavg()[0], 1)
    return result


def chart(result: dict, sizes: Sequence[int]) -> None:
    from knowledge.charts import grouped_bars

    groups = {f"{size:,} entries": {p: result[str(size)][f"{p}_ms"] for p in ("p50", "p95", "p99")} for size in sizes}
    for size in sizes:
        groups[f"{size:,} entries"]["encode p95"] = result[str(size)]["encode"]["p95_ms"]
    grouped_bars(groups, RESULTS_DIR / "retrieval_scale.png", "Knowledge search latency, one thread", ylabel="ms")


def report(result: dict, sizes: Sequence[int]) -> str:
    b = result["build"]
    rows = ["| entries | indexed texts | build s | process RSS MB | p50 ms | p95 ms | p99 ms | encode p95 ms |",
            "|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        r = result[str(size)]
        rows.append(f"| {size:,} | {r['texts']:,} | {r['index_build_s']} | {r['process_rss_mb']:.0f} | {r['p50_ms']} | "
                    f"{r['p95_ms']} | {r['p99_ms']} | {r['encode']['p95_ms']} |")
    p95 = result.get("10000", {}).get("p95_ms")
    p99 = result.get("100000", {}).get("p99_ms")
    verdicts = [
        f"- p95 at 10,000 entries ≤ 20 ms: {p95} ms, **{'met' if p95 is not None and p95 <= 20 else 'NOT met'}**",
        f"- p99 at 100,000 entries ≤ 30 ms: {p99} ms, **{'met' if p99 is not None and p99 <= 30 else 'NOT met'}**",
        f"- build ≥ 200 short entries/s: {b['short_entries_per_s']}/s (mean {b['short_entries_mean_chars']} chars), "
        f"**{'met' if b['short_entries_per_s'] >= 200 else 'NOT met'}**",
        f"- build ≥ 50 passages/s: {b['passages_per_s']}/s (mean {b['passages_mean_chars']} chars), "
        f"**{'met' if b['passages_per_s'] >= 50 else 'NOT met'}**",
    ]
    return "\n".join([
        "## Knowledge search at scale (issue 3)", "",
        f"`python -m bench.retrieval_scale`: synthetic entries (a title, two similar questions, a ~150-character "
        f"answer each) made from the real base; model `{result['model']}`; queries are the dev questions through "
        f"the whole path (normalise, encode on one thread with {result['query_encoder']}, rank, fuse, confidence). "
        "Index vectors of synthetic texts are real vectors plus noise (encoding 400,000 texts would take hours); the "
        f"query is encoded for real. Build throughput encodes for real on 2 threads ({result['query_encoder']}). "
        "Load average at start/"
        f"end: {result['load_average_start']}/{result['load_average_end']}.", "",
        *rows, "", f"Process memory before any index (models and the real base's vectors loaded): "
        f"{result.get('baseline_rss_mb', 'not recorded')} MB; each size was built after the previous one was dropped.",
        "", *verdicts, "", "Chart: `bench/results/retrieval_scale.png`.", "",
        *encoder_report(result["encoders"]),
    ])


def encoder_report(encoders: dict) -> list[str]:
    """Lines comparing the query encoders (one question at a time, one thread)."""
    lines = ["### Query encoder", "", f"The {len(encoders['backends'])} ways to encode one dev question at a time on "
             "one thread, all dev questions (ms):", "", "| backend | p50 | p95 | p99 |", "|---|---|---|---|"]
    for label, p in encoders["backends"].items():
        lines.append(f"| {label} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} |")
    if "max_abs_difference" in encoders:
        lines += ["", f"Largest difference between an ONNX and a torch vector component: {encoders['max_abs_difference']:.1e}."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--report-only", action="store_true", help="rewrite the BENCHMARKS section from the saved JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.report_only:
        result = json.loads((RESULTS_DIR / "retrieval_scale.json").read_text(encoding="utf-8"))
        update_section("retrieval_scale", report(result, sizes), remeasured=False)
        return
    result = measure(sizes, args.queries)
    save_json("retrieval_scale", result)
    chart(result, sizes)
    update_section("retrieval_scale", report(result, sizes))


if __name__ == "__main__":
    main()
