"""Benchmark node-to-node replication against a pair of reference automerge-repo sync servers.

    python benchmarks/replication.py            # 5,000 initiatives, then 100 of them changed
    python benchmarks/replication.py --quick    # 500 initiatives
    python benchmarks/replication.py --profile  # plus cProfile's top functions of the dialling
                                                # node (every thread), for where the time goes
    python benchmarks/replication.py --no-js    # the Mekaar pair only
    MEKAAR_PYSPY=$(which py-spy) python benchmarks/replication.py --profile --keep
                                                # B sampled by py-spy instead (threads holding
                                                # the GIL), raw stacks in node-b-<round>.txt
    MEKAAR_JS_PROFILE=/tmp/js python benchmarks/replication.py
                                                # V8 CPU profiles of both reference processes

Two real nodes (`mekaar serve` subprocesses, tests/federation/nodes.py): A holds N initiative
documents with a history (posted, the description typed in three edits, two supports, two tasks),
written into its data folder through the node's DocumentRepository before it starts; B dials A
through a counting TCP proxy. Initial round: from B's first byte on the wire until B lists every
initiative and holds every document of A at A's heads. Incremental round: both stop, 100 documents
change at A (one resident's edit each, through the same repository), both start, and B dials
again with its saved sync states: until B holds the changed documents at A's new heads.

The reference pair (benchmarks/replication_reference.mjs, one Node process each) imports the very
same saved bytes: a sync server that announces its documents, and a client with a storage that
keeps documents and sync states across its restart; the same changes are applied for round two.

Printed: seconds per round, the Python/JS ratio, bytes on the wire (both directions, WebSocket
frames with their headers) and their ratio to the raw change bytes (the sum of the change chunks'
sizes that had to travel). Figures only; nothing is asserted and this is not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # allow `python benchmarks/replication.py` without an install
    sys.path.insert(0, str(REPO))

from node.documents.repository import Author, DocumentRepository  # noqa: E402
from node.documents.validation import validate_document  # noqa: E402
from node.identity import load_node  # noqa: E402
from node.replication.catalog import bind_actors  # noqa: E402
from node.runtime import Node  # noqa: E402
from node.settings import Settings  # noqa: E402
from sync.automerge import ROOT, Document, ObjType  # noqa: E402
from sync.automerge.transaction import Transaction  # noqa: E402
from sync.document_id import new_document_id  # noqa: E402
from sync.file_store import FileDocStore  # noqa: E402
from tests.federation import nodes  # noqa: E402
from tests.federation.nodes import RunningNode, wait_until  # noqa: E402

FULL, QUICK, CHANGED = 5_000, 500, 100
REFERENCE = Path(__file__).resolve().parent / "replication_reference.mjs"
TIMEOUT = 1_800.0
QUIET = 1.5  # seconds without a byte on the wire: the round's exchange is over
TEXT = [
    "We willen de strook langs het fietspad omtoveren tot een moestuin voor de hele straat. ",
    "Iedereen kan een bak adopteren; wie geen tijd heeft, kan helpen met water geven. ",
    "In het najaar houden we een oogstfeest in het buurthuis, met soep van eigen groente. ",
]


# ------------------------------------------------------------------------------ documents


def _item_id(rng: random.Random) -> str:
    return "".join(
        rng.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") for _ in range(12)
    )


def vouch_for(data: Path, authors: list[tuple[bytes, str]]) -> None:
    """A's catalog vouches for the made-up residents (actor, person), as registration does for
    real ones: without that, B holds every change they wrote (docs/trust.md §2)."""

    async def run() -> None:
        node = await Node.open(Settings(data_dir=str(data)), null_pool=True)
        try:
            await asyncio.to_thread(bind_actors, node, authors)
        finally:
            await node.close()

    asyncio.run(run())


def build_initiatives(
    folder: Path, node_id: str, count: int, seed: int, authors: list[tuple[bytes, str]]
) -> list[str]:
    """`count` initiatives with eight changes each, shaped as the repository writes them (the
    envelope, `contributors` per actor) and checked against schemas/initiative.v1.json, then kept
    with DocumentRepository.adopt (one saved chunk per file, as after the node's compaction).

    Built with the engine rather than through DocumentRepository.change, which validates and
    appends a file chunk per change: the same bytes in a fifth of the time."""
    rng = random.Random(seed)
    repository = DocumentRepository(FileDocStore(folder), node_id)
    people = [(new_document_id(), rng.randbytes(16)) for _ in range(200)]
    authors.extend((actor, person) for person, actor in people)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    ids: list[str] = []
    for i in range(count):
        doc_id = new_document_id()
        (author, actor), *others = rng.sample(people, 5)
        when = start + timedelta(minutes=17 * i)
        doc = Document(actor=actor)
        with doc.change(message="Initiatief geplaatst") as tx:
            for key, value in (
                ("type", "initiative"),
                ("schema_version", 1),
                ("id", doc_id),
                ("origin_node", node_id),
                ("created_at", when),
                ("created_by", author),
            ):
                tx.put(ROOT, key, value)
            contributors = tx.put_object(ROOT, "contributors", ObjType.MAP)
            tx.put(contributors, actor.hex(), author)
            tx.put(ROOT, "title", f"Moestuin aan de dijk {i}")
            tx.put(ROOT, "summary", "Samen groente kweken op een braakliggend stuk grond")
            tx.put_object(ROOT, "description", ObjType.TEXT)
            place = tx.put_object(ROOT, "place", ObjType.MAP)
            tx.put(place, "village", "Aadorp")
            tags = tx.put_object(ROOT, "tags", ObjType.LIST)
            for n, tag in enumerate(("groen", "buurt")):
                tx.insert(tags, n, tag)
            tx.put(ROOT, "status", "looking_for_allies")
            tx.put_object(ROOT, "needs", ObjType.MAP)
            allies = tx.put_object(ROOT, "allies", ObjType.MAP)
            ally = tx.put_object(allies, author, ObjType.MAP)
            tx.put(ally, "role", "initiator")
            tx.put(ally, "since", when)
            plan = tx.put_object(ROOT, "plan", ObjType.MAP)
            tx.put_object(plan, "tasks", ObjType.MAP)
            tx.put_object(ROOT, "updates", ObjType.MAP)
        for sentence in TEXT:  # the description, typed in three sittings
            with doc.change(message="Beschrijving aangevuld") as tx:
                text = doc.get(ROOT, "description")
                tx.splice_text(text, doc.length(text), 0, sentence)
        for person, other in others[:2]:
            _support(doc, Author(person, other), when + timedelta(days=1))
        for n, title in enumerate(("Grond omspitten", "Zaden kopen")):
            with doc.change(message="Taak toegevoegd", actor=actor) as tx:
                tasks = doc.get(doc.get(ROOT, "plan"), "tasks")
                task = tx.put_object(tasks, _item_id(rng), ObjType.MAP)
                fields: tuple[tuple[str, Any], ...] = (
                    ("title", title),
                    ("owner", None),
                    ("status", "open"),
                    ("due", None),
                    ("created_at", when + timedelta(days=2, hours=n)),
                    ("created_by", author),
                    ("done_at", None),
                )
                for name, field_value in fields:
                    tx.put(task, name, field_value)
        validate_document(doc.to_py())
        repository.adopt(doc_id, doc)
        ids.append(doc_id)
    return ids


def _support(doc: Document, who: Author, when: datetime) -> None:
    with doc.change(message="Steunt het initiatief", actor=who.actor) as tx:
        _write_support(tx, doc, who, when)


def _write_support(tx: Transaction, doc: Document, who: Author, when: datetime) -> None:
    ally = tx.put_object(doc.get(ROOT, "allies"), who.person_id, ObjType.MAP)
    tx.put(ally, "role", "supporter")
    tx.put(ally, "since", when)
    tx.put(doc.get(ROOT, "contributors"), who.actor.hex(), who.person_id)


def _supported(who: Author, tx: Transaction, doc: Document) -> None:
    _write_support(tx, doc, who, datetime.now(UTC))


def _typed(tx: Transaction, doc: Document) -> None:
    text = doc.get(ROOT, "description")
    tx.splice_text(text, 0, 0, "Update: de eerste oogst is binnen! ")


def change_initiatives(
    folder: Path, node_id: str, ids: list[str], seed: int, authors: list[tuple[bytes, str]]
) -> dict[str, list[bytes]]:
    """One resident's edit to each document, through DocumentRepository.change (the node's write
    path, while the node is stopped); returns each document's new change chunks."""
    rng = random.Random(seed)
    repository = DocumentRepository(FileDocStore(folder), node_id)
    made: dict[str, list[bytes]] = {}
    for n, doc_id in enumerate(ids):
        before = repository.open(doc_id).get_heads()
        who = Author(new_document_id(), rng.randbytes(16))
        authors.append((who.actor, who.person_id))
        if n % 2:
            repository.change(doc_id, who, "Steunt het initiatief", partial(_supported, who))
        else:
            repository.change(doc_id, who, "Beschrijving aangevuld", _typed)
        made[doc_id] = repository.open(doc_id).get_changes(before)
    return made


def stored(folder: Path) -> dict[str, Document]:
    return {p.stem: Document.load(p.read_bytes()) for p in sorted(folder.glob("*.automerge"))}


def hex_heads(doc: Document) -> list[str]:
    return sorted(h.hex() for h in doc.get_heads())


def raw_change_bytes(docs: dict[str, Document]) -> int:
    return sum(len(c) for doc in docs.values() for c in doc.get_changes([]))


# ------------------------------------------------------------------------------ the wire


class CountingProxy:
    """A TCP proxy on 127.0.0.1 in its own thread, counting the bytes both ways and noting when
    the first connection came and when the last byte passed."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.bytes = 0
        self.first: float | None = None
        self.last = time.time()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self.loop
        ).result(10)
        self.port = int(self.server.sockets[0].getsockname()[1])

    def reset(self, target_port: int | None = None) -> None:
        self.target_port = target_port or self.target_port
        self.bytes, self.first, self.last = 0, None, time.time()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.first = self.first or time.time()
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        with contextlib.suppress(asyncio.CancelledError):  # the proxy is closing
            await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(1 << 16):
                self.bytes += len(chunk)
                self.last = time.time()
                writer.write(chunk)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    def quiet(self) -> int:
        """The bytes of the round, once nothing has passed for QUIET seconds."""
        while time.time() - self.last < QUIET:
            time.sleep(0.1)
        return self.bytes

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class Reference:
    """One `node replication_reference.mjs` process, spoken to in JSON lines."""

    def __init__(self) -> None:
        # MEKAAR_JS_PROFILE=<folder>: each reference process writes a V8 CPU profile there
        profile = os.environ.get("MEKAAR_JS_PROFILE")
        flags = ["--cpu-prof", "--cpu-prof-dir", profile] if profile else []
        self.proc = subprocess.Popen(
            ["node", *flags, str(REFERENCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
        )
        self._next = 0

    def call(self, cmd: str, **args: Any) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._next += 1
        self.proc.stdin.write((json.dumps({"id": self._next, "cmd": cmd, **args}) + "\n").encode())
        self.proc.stdin.flush()
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
            if not ready:
                raise RuntimeError(f"the reference gave no answer to {cmd} in {TIMEOUT:.0f} s")
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the reference exited during {cmd} ({self.proc.wait(10)})")
            try:
                answer = json.loads(line)
            except ValueError:  # a line someone logged: not ours to read, but worth seeing
                print(f"  reference: {line.decode(errors='replace').rstrip()}", file=sys.stderr)
                continue
            if isinstance(answer, dict) and answer.get("id") == self._next:
                break
        if not answer["ok"]:
            raise RuntimeError(f"{cmd}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("stop")
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# ------------------------------------------------------------------------------ the rounds


@dataclass
class Round:
    seconds: float = 0.0
    wire: int = 0
    raw: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class World:
    """What both pairs replicate: A's documents as first served, then the changed ones."""

    snapshot: Path
    heads: dict[str, list[str]]
    raw: int
    changes: dict[str, list[bytes]] = field(default_factory=dict)
    new_heads: dict[str, list[str]] = field(default_factory=dict)


def cpu_seconds(node: RunningNode) -> float:
    """User and system CPU time of a node's process so far (Linux), 0 where unknown."""
    process = node.process
    if process is None:
        return 0.0
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status(node: RunningNode) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        return dict(json.loads((node.data / "replication-status.json").read_text()))
    return {}


def _holds(node: RunningNode, want: dict[str, list[str]]) -> Callable[[], bool]:
    """A check that B holds every wanted document at the wanted heads (remembering the found)."""
    left = dict(want)

    def check() -> bool:
        for doc_id, heads in list(left.items()):
            doc = node.document(doc_id)
            if doc is not None and hex_heads(doc) == heads:
                del left[doc_id]
        return not left

    return check


def run_python(
    root: Path, count: int, seed: int, profile: Path | None
) -> tuple[World, Round, Round]:
    nodes.STARTUP = 600.0  # A opens every document to make its catalog on the first start
    a, b = RunningNode(root, "Aadorp"), RunningNode(root, "Bathmen")

    spies: list[subprocess.Popen[bytes]] = []

    def spied(round_name: str) -> None:
        spy = os.environ.get("MEKAAR_PYSPY")  # a py-spy binary: sample B (GIL holders) instead
        if spy and profile is not None and b.process is not None:
            out = profile.with_name(f"{profile.stem}-{round_name}.txt")
            spies.append(
                subprocess.Popen(
                    [
                        spy,
                        "record",
                        "--gil",
                        "--nonblocking",  # never pauses B: a paused node hung at its stop
                        "-r",
                        "200",
                        "-f",
                        "raw",
                        "-o",
                        str(out),
                        "-p",
                        str(b.process.pid),
                    ]
                )
            )

    def profiled(round_name: str) -> None:
        if os.environ.get("MEKAAR_PYSPY"):
            return
        if profile is not None:
            out = profile.with_name(f"{profile.stem}-{round_name}.prof")
            b.serve_command = [sys.executable, __file__, "--profiled-serve", str(out), "--"]

    proxy: CountingProxy | None = None
    try:
        node_id = load_node(a.data).node_id
        started = time.perf_counter()
        authors: list[tuple[bytes, str]] = []
        ids = build_initiatives(a.data / "documents", node_id, count, seed, authors)
        vouch_for(a.data, authors)
        print(
            f"  built {count} initiatives at A in {time.perf_counter() - started:.1f} s", flush=True
        )
        a.start()
        snapshot = root / "snapshot"
        shutil.copytree(a.data / "documents", snapshot)
        docs = stored(snapshot)
        world = World(
            snapshot, {d: hex_heads(doc) for d, doc in docs.items()}, raw_change_bytes(docs)
        )
        proxy = CountingProxy(a.port)
        token = a.invite("Bathmen")
        b.cli(
            "peer", "add", f"ws://127.0.0.1:{proxy.port}/sync", "--token", token, "--name", "Aadorp"
        )

        first = Round(raw=world.raw)
        profiled("initial")
        b.start()
        spied("initial")
        a_cpu, b_cpu = cpu_seconds(a), cpu_seconds(b)
        listed = lambda: (b.api("/initiatives?per_page=1") or {}).get("total") == count  # noqa: E731
        wait_until(listed, TIMEOUT, f"{count} initiatives listed on B")
        done_listing = time.time()
        used = f"A {cpu_seconds(a) - a_cpu:.2f} s, B {cpu_seconds(b) - b_cpu:.2f} s"
        holds = _holds(b, world.heads)
        done = done_listing
        if not holds():
            first.notes.append("heads differed when everything was listed; waited for them")
            wait_until(holds, TIMEOUT, "A's heads on B")
            done = time.time()
        first.notes.append(f"CPU from B's start until it listed everything: {used}")
        assert proxy.first is not None
        first.seconds = done - proxy.first
        first.wire = proxy.quiet()
        peers = _status(b).get("peers", [])
        first.notes += [
            f"B's status: {p['documents']} documents, {p['behind']} behind" for p in peers
        ]

        b.stop()
        a.stop()
        changed = random.Random(seed).sample(ids, min(CHANGED, len(ids)))
        authors = []
        world.changes = change_initiatives(a.data / "documents", node_id, changed, seed, authors)
        vouch_for(a.data, authors)
        world.new_heads = {d: hex_heads(a.document(d)) for d in changed}  # type: ignore[arg-type]
        second = Round(raw=sum(len(c) for cs in world.changes.values() for c in cs))
        a.start()
        proxy.reset(a.port)
        profiled("incremental")
        b.start()
        spied("incremental")
        wait_until(_holds(b, world.new_heads), TIMEOUT, "the changed documents on B")
        assert proxy.first is not None
        second.seconds = time.time() - proxy.first
        second.wire = proxy.quiet()
        b.stop()  # the profile (if any) is written as B exits
        for spy in spies:
            spy.wait(timeout=60)
        return world, first, second
    finally:
        if proxy is not None:
            proxy.close()
        a.close()
        b.close()


def run_js(world: World) -> tuple[Round, Round]:
    server, client = Reference(), Reference()
    proxy: CountingProxy | None = None
    try:
        served = server.call("serve", folder=str(world.snapshot), peerId="js-a")
        print(
            f"  the reference imported {served['count']} documents in {served['ms'] / 1000:.1f} s",
            flush=True,
        )
        proxy = CountingProxy(served["port"])
        first = Round(raw=world.raw)
        client.call("client", url=f"ws://127.0.0.1:{proxy.port}", peerId="js-b")
        done = client.call("wait", heads=world.heads, timeoutMs=TIMEOUT * 1000)
        assert proxy.first is not None
        first.seconds = done["at"] - proxy.first
        first.wire = proxy.quiet()
        if done["missing"]:
            first.notes.append(f"{done['missing']} documents never arrived")

        client.call("stop")
        changes = {d: [c.hex() for c in cs] for d, cs in world.changes.items()}
        server.call("apply", changes=changes)
        proxy.reset()
        second = Round(raw=sum(len(c) for cs in world.changes.values() for c in cs))
        client.call("client", url=f"ws://127.0.0.1:{proxy.port}", peerId="js-b")
        done = client.call("wait", heads=world.new_heads, timeoutMs=TIMEOUT * 1000)
        assert proxy.first is not None
        second.seconds = done["at"] - proxy.first
        second.wire = proxy.quiet()
        if done["missing"]:
            second.notes.append(f"{done['missing']} documents never arrived")
        return first, second
    finally:
        if proxy is not None:
            proxy.close()
        client.close()
        server.close()


# ------------------------------------------------------------------------------ profiling


def profiled_serve(out: Path, argv: list[str]) -> None:
    """`mekaar <argv>` with cProfile in every thread (the synchronizer runs in worker threads);
    the merged statistics are written to `out` when the node exits."""
    # `python benchmarks/replication.py` puts benchmarks/ first on the path, where web.py would
    # shadow the `web` package the node loads its app from
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    profiles: list[cProfile.Profile] = []

    def start_in_thread(_frame: FrameType, _event: str, _arg: Any) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()

    main = cProfile.Profile()
    profiles.append(main)
    threading.setprofile(start_in_thread)
    from node.cli import main as mekaar

    # uvicorn re-raises SIGTERM once it has shut down; exit through `finally` instead of dying
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    main.enable()
    try:
        mekaar(argv)
    except SystemExit:
        pass
    finally:
        main.disable()
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            with contextlib.suppress(TypeError):
                stats.add(profile)
        stats.dump_stats(out)


IDLE = ("'acquire' of '_thread.lock", "'get' of '_queue.SimpleQueue", "'poll' of 'select.epoll")
"""Threads waiting for work: their time is no one's cost."""


def print_profile(path: Path, name: str, top: int = 25) -> None:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for key in [k for k in table if any(idle in k[2] for idle in IDLE)]:
        del table[key]
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"/(node|sync|web)/", top)
    print(f"\nnode B, {name} round (from its start to its stop), every thread, waits left out:")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


# ------------------------------------------------------------------------------ report


def _mb(n: int) -> str:
    return f"{n / 1e6:8.2f} MB"


def _line(who: str, r: Round) -> str:
    ratio = r.wire / max(r.raw, 1)
    return f"  {who:7} {r.seconds:8.2f} s   wire {_mb(r.wire)}   wire/raw {ratio:6.2f}"


def report(name: str, py: Round, js: Round | None) -> None:
    print(f"\n{name}")
    print(f"  raw change bytes        {_mb(py.raw)}")
    print(_line("mekaar", py))
    if js is not None:
        print(_line("js", js))
        time_ratio = py.seconds / max(js.seconds, 1e-9)
        print(
            f"  python/js time {time_ratio:.2f}   python/js bytes {py.wire / max(js.wire, 1):.2f}"
        )
    for note in py.notes:
        print(f"  mekaar: {note}")
    for note in js.notes if js else []:
        print(f"  js: {note}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--profiled-serve":
        profiled_serve(Path(sys.argv[2]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} documents, not {FULL}")
    parser.add_argument("--documents", type=int, help="how many initiatives A holds")
    parser.add_argument("--profile", action="store_true", help="cProfile node B")
    parser.add_argument("--no-js", action="store_true", help="skip the reference pair")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the nodes' data folders")
    args = parser.parse_args()
    count = args.documents or (QUICK if args.quick else FULL)
    root = Path(tempfile.mkdtemp(prefix="mekaar-replication-"))
    profile = root / "node-b" if args.profile else None
    print(
        f"replication of {count} initiatives, then {CHANGED} changed (data in {root})", flush=True
    )
    try:
        world, py_first, py_second = run_python(root, count, args.seed, profile)
        initial = f"initial: {len(world.heads)} documents"
        incremental = f"incremental: {len(world.changes)} documents changed"
        report(initial, py_first, None)  # now: the reference side may fail or take long
        report(incremental, py_second, None)
        if not args.no_js and shutil.which("node"):
            try:
                js_first, js_second = run_js(world)
            except (RuntimeError, OSError, ValueError) as exc:
                print(f"\nthe reference pair failed: {exc}")
            else:
                report(initial, py_first, js_first)
                report(incremental, py_second, js_second)
        for name in ("initial", "incremental"):
            if profile is not None and (found := root / f"node-b-{name}.prof").exists():
                print_profile(found, name)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
