"""Benchmark sync.automerge against the reference @automerge/automerge, in one run.

    python benchmarks/engine.py            # full sizes: 500 comments, 200 task edits, 20 KB text,
                                           # and a 10,000-change text trace
    python benchmarks/engine.py --quick    # a tenth of that, for a first look
    python benchmarks/engine.py --profile  # plus the top functions of the Python side (cProfile)
    python benchmarks/engine.py --no-js    # Python side only (no node needed)

Each workload builds a document with one change per edit, then times save, load, and a sync from
the loaded document to an empty peer (fresh sync states, messages until both sides are quiet). The
JS side runs `benchmarks/bench_reference.mjs` with the same sizes, using the reference package
installed in tests/interop (run scripts/test once, or `npm ci` there). Figures are printed, never
asserted: this is not part of the test run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # allow `python benchmarks/engine.py` without an install
    sys.path.insert(0, str(REPO))

from sync.automerge import ROOT, Document, ObjType, SyncState  # noqa: E402

FULL = {"comments": 500, "task_edits": 200, "text_chars": 20_000, "trace_changes": 10_000}
QUICK = {"comments": 50, "task_edits": 20, "text_chars": 2_000, "trace_changes": 1_000}
PHASES = ("build", "save", "load", "sync")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Result:
    name: str
    changes: int
    bytes: int
    ms: dict[str, float] = field(default_factory=dict)
    rounds: int = 0
    synced: bool = False


# --- the workloads, as in bench_reference.mjs ----------------------------------------------------


def community(sizes: dict[str, int]) -> tuple[Document, float]:
    """An initiative: comments, task edits, then its description typed one character at a time."""
    doc = Document(actor="aa" * 16)
    with doc.change() as tx:  # A.from(...): not timed, as in the reference
        tx.put(ROOT, "title", "Moestuin")
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)
        comments = tx.put_object(ROOT, "comments", ObjType.LIST)
    start = time.perf_counter()
    for i in range(sizes["comments"]):
        with doc.change() as tx:
            comment = tx.insert_object(comments, i, ObjType.MAP)
            tx.put(comment, "by", f"p{i % 40}")
            text = tx.put_object(comment, "text", ObjType.TEXT)
            tx.splice_text(text, 0, 0, f"Goed idee, ik help mee met de moestuin! {i}")
            tx.put(comment, "at", EPOCH + timedelta(milliseconds=1_700_000_000_000 + i))
    for i in range(sizes["task_edits"]):
        count = doc.length(tasks)
        if i % 3 == 0 or count == 0:
            with doc.change() as tx:
                task = tx.insert_object(tasks, count, ObjType.MAP)
                tx.put(task, "title", f"taak {i}")
                tx.put(task, "done", False)
        else:
            task = doc.get(tasks, i % count)
            done = doc.get(task, "done")
            with doc.change() as tx:
                tx.put(task, "done", not done)
    text = ("De buurt wil een moestuin aanleggen achter het buurthuis. " * 400)[
        : sizes["text_chars"]
    ]
    for i, char in enumerate(text):
        with doc.change() as tx:
            tx.splice_text(body, i, 0, char)
    return doc, time.perf_counter() - start


def trace(sizes: dict[str, int]) -> tuple[Document, float]:
    """A text editing trace: mostly inserts at scattered places, every seventh edit a delete."""
    doc = Document(actor="bb" * 16)
    with doc.change() as tx:
        text = tx.put_object(ROOT, "text", ObjType.TEXT)
    start, length = time.perf_counter(), 0
    for i in range(sizes["trace_changes"]):
        with doc.change() as tx:
            if i % 7 == 6 and length > 0:
                tx.splice_text(text, (i * 31) % length, 1, "")
                length -= 1
            else:
                tx.splice_text(text, (i * 17) % (length + 1), 0, "x")
                length += 1
    return doc, time.perf_counter() - start


WORKLOADS: dict[str, Callable[[dict[str, int]], tuple[Document, float]]] = {
    "community": community,
    "trace": trace,
}


def sync_to_empty_peer(source: Document) -> tuple[Document, int]:
    a, b = source, Document()
    state_a, state_b = SyncState(), SyncState()
    rounds = 0
    while True:
        quiet = True
        message = a.generate_sync_message(state_a)
        if message is not None:
            quiet = False
            b.receive_sync_message(state_b, message)
        message = b.generate_sync_message(state_b)
        if message is not None:
            quiet = False
            a.receive_sync_message(state_a, message)
        rounds += 1
        if quiet:
            return b, rounds


def run_python(name: str, sizes: dict[str, int]) -> Result:
    doc, build = WORKLOADS[name](sizes)
    start = time.perf_counter()
    data = doc.save()
    save = time.perf_counter() - start
    start = time.perf_counter()
    loaded = Document.load(data)
    load = time.perf_counter() - start
    start = time.perf_counter()
    peer, rounds = sync_to_empty_peer(loaded)
    sync = time.perf_counter() - start
    result = Result(name, len(doc.get_all_changes()), len(data), rounds=rounds)
    result.ms = {"build": build * 1e3, "save": save * 1e3, "load": load * 1e3, "sync": sync * 1e3}
    result.synced = peer.get_heads() == doc.get_heads()
    return result


# --- the reference side --------------------------------------------------------------------------


def run_js(sizes: dict[str, int]) -> dict[str, Result] | str:
    """Results by workload name, or the reason the reference could not run."""
    interop = REPO / "tests" / "interop"
    if not (interop / "node_modules" / "@automerge" / "automerge").is_dir():
        return "tests/interop/node_modules has no @automerge/automerge (run scripts/test or npm ci)"
    env = {**os.environ, "NODE_PATH": str(interop / "node_modules")}
    command = [
        "node",
        str(REPO / "benchmarks" / "bench_reference.mjs"),
        "--sizes",
        json.dumps(sizes),
    ]
    try:
        done = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return "node is not installed"
    if done.returncode != 0:
        return f"node exited with {done.returncode}: {done.stderr.strip()[-500:]}"
    results = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        result = Result(row["name"], row["changes"], row["bytes"], rounds=row["rounds"])
        result.ms = {phase: row[f"{phase}_ms"] for phase in PHASES}
        result.synced = row["synced"]
        results[result.name] = result
    return results


# --- report --------------------------------------------------------------------------------------


def print_table(python: dict[str, Result], js: dict[str, Result] | str) -> None:
    print(f"{'workload':<11}{'phase':<7}{'python ms':>12}{'js ms':>11}{'python/js':>11}")
    for name, py in python.items():
        ref = js.get(name) if isinstance(js, dict) else None
        for index, phase in enumerate(PHASES):
            js_ms = f"{ref.ms[phase]:.1f}" if ref else "-"
            ratio = f"{py.ms[phase] / ref.ms[phase]:.1f}x" if ref and ref.ms[phase] > 0 else "-"
            label = name if index == 0 else ""
            print(f"{label:<11}{phase:<7}{py.ms[phase]:>12.1f}{js_ms:>11}{ratio:>11}")
        line = f"{'':<11}python: {py.changes} changes, {py.bytes} B saved, sync {py.rounds} rounds"
        if not py.synced:
            line += " (PEER DID NOT CONVERGE)"
        print(line)
        if ref:
            line = f"{'':<11}js:     {ref.changes} changes, {ref.bytes} B saved"
            line += f", sync {ref.rounds} rounds"
            print(line + ("" if ref.synced else " (PEER DID NOT CONVERGE)"))
    if isinstance(js, str):
        print(f"reference not run: {js}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the full sizes")
    parser.add_argument("--profile", action="store_true", help="cProfile the Python side")
    parser.add_argument("--no-js", action="store_true", help="skip the reference (node) side")
    parser.add_argument("--only", choices=sorted(WORKLOADS), help="run one workload")
    parser.add_argument("--top", type=int, default=25, help="functions to list with --profile")
    args = parser.parse_args(argv)

    sizes = QUICK if args.quick else FULL
    names = [args.only] if args.only else list(WORKLOADS)
    print(f"sizes: {json.dumps(sizes)}")
    profiler = cProfile.Profile() if args.profile else None
    python = {}
    for name in names:
        if profiler:
            profiler.enable()
        python[name] = run_python(name, sizes)
        if profiler:
            profiler.disable()
    js: dict[str, Result] | str = "skipped (--no-js)" if args.no_js else run_js(sizes)
    if isinstance(js, dict):
        js = {name: js[name] for name in names if name in js}
    print_table(python, js)
    if profiler:
        print("\n(python figures above include cProfile overhead)")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(f"\n--- python side, top {args.top} by {order} ---")
            print(out.getvalue().split("\n\n", 1)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
