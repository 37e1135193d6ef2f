"""The web benchmark's dataset (benchmarks/web.py): a node with thousands of initiatives and
discussions, written as real Automerge documents through `DocumentRepository` and projected into
SQL with `node.projection.project`, so the pages serve what a real node would.

Each user action is still one Automerge change with the services' message and item shapes (an
initiative is posted, supported, joined, gets needs, tasks and news; a discussion gets one change
per comment or reply). What makes the build fast without changing what lands on disk:
- no HTTP and no per-action projection: the repository is called directly, each document is
  projected once when it is complete, and commits are batched;
- the documents are written by worker processes, one per core, while the parent projects;
- workers validate each document against its schema once, when complete, instead of after each
  change (the check is most of a change's cost), and write without fsync (one `os.sync()` at the
  end): the bytes are the same, only crash safety during the build is given up;
- only two accounts are registered (argon2 is slow on purpose); everyone else is a profile
  document without an account, as people from other nodes are.

A finished build leaves `benchmark-web.json` in the data folder; a second run with the same sizes
reuses the folder.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks import web_text as words
from node import accounts
from node.documents import repository
from node.documents.repository import Author
from node.documents.validation import validate_document
from node.edits import put_list, put_map, put_new, set_text
from node.identity import init_node
from node.ids import new_item_id
from node.initiatives.core import STATUS_LABELS
from node.projection import project
from node.replication.catalog import bind_actors
from node.runtime import Node
from node.settings import Settings
from sync.automerge import ROOT, ObjType
from sync.automerge.transaction import Transaction
from sync.file_store import FileDocStore

MARKER = "benchmark-web.json"
BUILDING = "benchmark-web.building"
IDS_FILE = "benchmark-web-initiatives.txt"
FORMAT = 2
"""2: with a long thread, and the made-up people vouched for"""
NODE_NAME = "Benchdorp"
PASSWORD = "mekaar-bench-2025"
SEED = 20251125
LONG_THREAD_TITLE = "Wat vinden jullie van het nieuwe dorpsplein?"
COMMIT_EVERY = 500  # projected documents per SQL transaction
INITIATIVES_PER_JOB = 100
COMMENTS_PER_JOB = 2_000


@dataclass(frozen=True)
class Sizes:
    initiatives: int
    comments: int
    people: int
    threads: int
    """discussions that belong to an initiative"""
    topics: int
    """current topics (discussions of their own)"""
    long_thread: int = 5_000
    """comments in one current topic on top of the rest: the thread that must stay fast"""


FULL = Sizes(initiatives=10_000, comments=100_000, people=500, threads=3_000, topics=1_000)
QUICK = Sizes(initiatives=1_000, comments=10_000, people=100, threads=300, topics=100)


@dataclass(frozen=True)
class Dataset:
    data_dir: Path
    sizes: Sizes
    node_id: str
    sample_initiative: str
    """a typical initiative page: allies, needs, tasks and a thread"""
    long_thread: str
    """the current topic with `sizes.long_thread` comments"""
    accounts: list[str]
    password: str
    build_seconds: float

    @property
    def ids_file(self) -> Path:
        return self.data_dir / IDS_FILE

    def forget_sessions(self) -> None:
        """Remove the session files serving leaves behind: the node stores a session for every
        visitor without one, so each run would otherwise start with a bigger folder."""
        shutil.rmtree(self.data_dir / "sessions", ignore_errors=True)

    @classmethod
    def load(cls, data_dir: Path) -> Dataset | None:
        try:
            raw = json.loads((data_dir / MARKER).read_text())
        except (FileNotFoundError, ValueError):
            return None
        if raw.get("format") != FORMAT:
            return None
        known = {f.name for f in fields(cls)} - {"data_dir", "sizes"}
        values = {k: v for k, v in raw.items() if k in known}
        return cls(data_dir=data_dir, sizes=Sizes(**raw["sizes"]), **values)

    def save(self) -> None:
        raw = {"format": FORMAT, **asdict(self)}
        raw.pop("data_dir")
        (self.data_dir / MARKER).write_text(json.dumps(raw, indent=2) + "\n")


def prepare(data_dir: Path, sizes: Sizes, *, rebuild: bool, console: Console) -> Dataset:
    """The dataset in `data_dir`: reused when a finished build of these sizes is there, built
    otherwise. Only an empty folder or one this benchmark made is ever emptied."""
    found = Dataset.load(data_dir)
    if found is not None and found.sizes == sizes and not rebuild:
        console.print(f"Reusing the dataset in {data_dir} (built in {found.build_seconds:.0f} s)")
        return found
    if data_dir.exists() and any(data_dir.iterdir()):
        ours = (data_dir / MARKER).exists() or (data_dir / BUILDING).exists()
        if not ours:
            raise SystemExit(
                f"{data_dir} holds something else (no {MARKER}); give an empty or new folder."
            )
        shutil.rmtree(data_dir)
    return asyncio.run(_build(data_dir, sizes, console))


# ------------------------------------------------------------------------------- the parent


async def _build(data_dir: Path, sizes: Sizes, console: Console) -> Dataset:
    started = time.perf_counter()
    identity = init_node(data_dir, NODE_NAME)
    (data_dir / BUILDING).write_text("")
    node = await Node.open(Settings(data_dir=str(data_dir)), null_pool=True)
    rng = random.Random(SEED)
    columns = (
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as bar:
            async with node.sessions() as session:
                people_task = bar.add_task("people (profiles)", total=sizes.people)
                people, emails = await _accounts(node, session)
                bar.advance(people_task, len(people))
                for _ in range(sizes.people - len(people)):
                    people.append(await _profile(node, session, rng))
                    bar.advance(people_task)
                await session.commit()
                # the catalog vouches for the made-up people as registration does for real ones:
                # without it every page would judge their words unvouched and leave them out
                made_up = [(actor, person) for person, actor in people[2:]]
                await asyncio.to_thread(bind_actors, node, made_up)

                initiatives_task = bar.add_task("initiatives", total=sizes.initiatives)
                comments_task = bar.add_task("comments", total=sizes.comments)
                discussions_task = bar.add_task(
                    "discussions", total=sizes.threads + sizes.topics + 1
                )
                context = multiprocessing.get_context("spawn")
                pool = ProcessPoolExecutor(
                    max_workers=os.cpu_count() or 2,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(str(node.settings.documents_path), identity.node_id, people),
                )
                with pool:
                    initiatives: list[dict[str, Any]] = []

                    def initiative_done(content: dict[str, Any]) -> None:
                        initiatives.append(_brief(content))
                        bar.advance(initiatives_task)

                    batches = [
                        (SEED + n, min(INITIATIVES_PER_JOB, sizes.initiatives - start))
                        for n, start in enumerate(range(0, sizes.initiatives, INITIATIVES_PER_JOB))
                    ]
                    await _run(pool, session, _initiatives_job, batches, initiative_done)
                    initiatives.sort(key=lambda i: i["id"])
                    specs = _discussion_specs(rng, sizes, initiatives)
                    long_spec: Spec = (None, LONG_THREAD_TITLE, words.place(rng), ["buurt"], 0)
                    specs.append((*long_spec[:4], sizes.long_thread))

                    def discussion_done(content: dict[str, Any]) -> None:
                        if content["title"] == LONG_THREAD_TITLE:
                            long_threads.append(content["id"])
                        bar.advance(discussions_task)
                        bar.advance(comments_task, len(content["comments"]))

                    long_threads: list[str] = []
                    jobs = [(SEED + 10_000 + n, chunk) for n, chunk in enumerate(_chunks(specs))]
                    await _run(pool, session, _discussions_job, jobs, discussion_done)
        with console.status("Writing the documents to disk (sync)…"):
            os.sync()
    finally:
        await node.close()
    sample = _sample(initiatives, {s[0] for s in specs if s[0]})
    (data_dir / IDS_FILE).write_text("".join(f"{i['id']}\n" for i in initiatives))
    dataset = Dataset(
        data_dir=data_dir,
        sizes=sizes,
        node_id=identity.node_id,
        sample_initiative=sample,
        long_thread=long_threads[0],
        accounts=emails,
        password=PASSWORD,
        build_seconds=round(time.perf_counter() - started, 1),
    )
    dataset.save()
    (data_dir / BUILDING).unlink()
    console.print(f"Built the dataset in {data_dir} in {dataset.build_seconds:.0f} s")
    return dataset


async def _accounts(node: Node, session: AsyncSession) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Two real accounts (the host and a resident) to log in with when looking around."""
    people, emails = [], []
    for key, name in (("beheerder", "Anna de Vries"), ("bewoner", "Henk Bosman")):
        email = f"{key}@bench.mekaar.invalid"
        form = accounts.RegisterForm(email=email, password=PASSWORD, display_name=name)
        acting = await accounts.register(node, session, form)
        people.append((acting.person_id, acting.actor))
        emails.append(email)
    return people, emails


async def _profile(node: Node, session: AsyncSession, rng: random.Random) -> tuple[str, bytes]:
    """A person's profile document, as node.people.create_profile writes it."""
    actor = secrets.token_bytes(16)
    name, where = words.person_name(rng), words.place(rng)
    skills = rng.sample(("timmeren", "koken", "tuinieren", "subsidies", "fietsen", "ICT"), 2)

    def fill(tx: Any, _doc: Any) -> None:
        tx.put(ROOT, "display_name", name)
        put_map(tx, ROOT, "place", where)
        put_list(tx, ROOT, "skills", skills)
        put_list(tx, ROOT, "offers", [rng.choice(words.OFFERS)])
        tx.put(ROOT, "about", "")

    author = Author(person_id="", actor=actor)
    doc_id = node.documents.create("person", author, "Profiel aangemaakt", fill, self_authored=True)
    await project(session, node.documents.read(doc_id))
    return doc_id, actor


async def _run(
    pool: ProcessPoolExecutor,
    session: AsyncSession,
    job: Callable[..., list[dict[str, Any]]],
    jobs: list[tuple[Any, ...]],
    done: Callable[[dict[str, Any]], None],
) -> None:
    """Run `job` over `jobs` in the workers; project each document as it arrives."""
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(pool, job, *args) for args in jobs]
    projected = 0
    for future in asyncio.as_completed(futures):
        for content in await future:
            await project(session, content)
            done(content)
            projected += 1
            if projected % COMMIT_EVERY == 0:
                await session.commit()
    await session.commit()


def _brief(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": content["id"],
        "title": content["title"],
        "place": content["place"],
        "tags": content["tags"],
        "allies": len(content["allies"]),
        "needs": len(content["needs"]),
        "tasks": len(content["plan"]["tasks"]),
    }


Spec = tuple[str | None, str, dict[str, str], list[str], int]
"""(initiative id or None, title, place, tags, comments)"""


def _discussion_specs(
    rng: random.Random, sizes: Sizes, initiatives: list[dict[str, Any]]
) -> list[Spec]:
    """Threads for some initiatives and current topics, with comments spread unevenly: most
    discussions get a handful, a few get hundreds."""
    specs: list[Spec] = [
        (i["id"], f"Gesprek: {i['title']}"[:200], i["place"], i["tags"], 0)
        for i in rng.sample(initiatives, min(sizes.threads, len(initiatives)))
    ]
    for _ in range(sizes.topics):
        (theme, tag), where = rng.choice(words.THEMES), words.place(rng)
        specs.append((None, f"Wat vinden jullie van: {theme.lower()}?", where, [tag], 0))
    weights = [min(rng.paretovariate(1.3), 60.0) for _ in specs]
    counts = Counter(rng.choices(range(len(specs)), weights=weights, k=sizes.comments))
    return [(*spec[:4], counts[n]) for n, spec in enumerate(specs)]


def _chunks(specs: list[Spec]) -> list[list[Spec]]:
    chunks: list[list[Spec]] = [[]]
    size = 0
    for spec in specs:
        if size >= COMMENTS_PER_JOB:
            chunks.append([])
            size = 0
        chunks[-1].append(spec)
        size += spec[4] + 1
    return chunks


def _sample(initiatives: list[dict[str, Any]], with_thread: set[str]) -> str:
    for i in initiatives:
        if i["id"] in with_thread and i["allies"] >= 3 and i["needs"] and i["tasks"]:
            return str(i["id"])
    return str(initiatives[0]["id"])


# ------------------------------------------------------------------------------- the workers

_repo: Any = None
_people: list[Any] = []


def _init_worker(documents: str, node_id: str, people: list[tuple[str, bytes]]) -> None:
    """Each worker writes its own documents (distinct ids) into the node's documents folder."""
    global _repo, _people

    class BuildStore(FileDocStore):
        """The same files, written without fsync (the parent syncs once at the end)."""

        def append(self, document_id: str, chunk: bytes) -> None:
            with open(self._path(document_id), "ab") as handle:
                handle.write(chunk)

        def replace(self, document_id: str, data: bytes) -> None:
            path = self._path(document_id)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)

    repository.validate_document = _later  # type: ignore[attr-defined]  # checked in _finish
    _repo = repository.DocumentRepository(BuildStore(Path(documents)), node_id, max_cached=64)
    _people = [repository.Author(person, actor) for person, actor in people]


def _later(content: dict[str, Any], memo: Any = None) -> None:
    """Stands in for the schema check after each change while building."""


def _finish(doc_id: str) -> dict[str, Any]:
    content: dict[str, Any] = _repo.read(doc_id)
    validate_document(content)
    _repo.forget(doc_id)
    return content


def _now() -> datetime:
    return datetime.now(UTC)


def _initiatives_job(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [_finish(_initiative(rng)) for _ in range(count)]


def _initiative(rng: random.Random) -> str:
    """Posted, then supported, joined, given needs, a status, tasks and news: one change each,
    shaped as node.initiatives writes them."""
    texts = words.initiative_texts(rng)
    initiator = rng.choice(_people)
    (final,) = rng.choices(
        ("idea", "looking_for_allies", "active", "done", "paused"), (3, 3, 3, 1, 1)
    )

    def fill(tx: Any, doc: Any) -> None:
        tx.put(ROOT, "title", texts.title)
        tx.put(ROOT, "summary", texts.summary)
        set_text(tx, doc, ROOT, "description", texts.description)
        put_map(tx, ROOT, "place", texts.place)
        put_list(tx, ROOT, "tags", texts.tags)
        tx.put(ROOT, "status", final if final == "idea" else "looking_for_allies")
        tx.put_object(ROOT, "needs", ObjType.MAP)
        allies = tx.put_object(ROOT, "allies", ObjType.MAP)
        put_map(tx, allies, initiator.person_id, {"role": "initiator", "since": _now()})
        plan = tx.put_object(ROOT, "plan", ObjType.MAP)
        tx.put_object(plan, "tasks", ObjType.MAP)
        tx.put_object(ROOT, "updates", ObjType.MAP)

    doc_id: str = _repo.create("initiative", initiator, "Initiatief geplaatst", fill)
    others = [p for p in rng.sample(_people, 12) if p != initiator]
    joiners = others[: rng.choice((0, 0, 1, 1, 2, 3))]
    supporters = others[len(joiners) : len(joiners) + rng.choice((0, 1, 2, 3, 5, 8))]
    for who in supporters:
        ally = {"role": "supporter", "since": _now()}
        _change(doc_id, who, "Steunt het initiatief", _add(_allies, who.person_id, ally))
    for who in joiners:
        ally = {"role": "joiner", "since": _now(), "offer": rng.choice(words.OFFERS)}
        _change(doc_id, who, "Sluit zich aan", _add(_allies, who.person_id, ally))
    for kind, description, skill in rng.sample(words.NEEDS, rng.choice((0, 1, 1, 2, 3))):
        need: dict[str, Any] = {"kind": kind, "description": description, "fulfilled": False}
        need |= {"created_at": _now(), "created_by": initiator.person_id}
        if skill:
            need["skill"] = skill
        if kind == "money":
            need["amount_cents"] = rng.randrange(100, 2_500) * 100
        _change(doc_id, initiator, "Behoefte toegevoegd", _add(_needs, new_item_id(), need))
    if final in ("active", "done", "paused"):
        for status in ("active", final) if final != "active" else ("active",):
            message = f"Status: {STATUS_LABELS[status]}"
            _change(doc_id, initiator, message, _set(_root, {"status": status}))
        _plan(rng, doc_id, initiator, [initiator, *joiners])
    return doc_id


def _plan(rng: random.Random, doc_id: str, initiator: Author, workers: list[Author]) -> None:
    """Tasks added by the initiator, some taken by allies and finished; a piece of news."""
    for title in rng.sample(words.TASKS, rng.choice((1, 2, 3, 5))):
        due = (date.today() + timedelta(days=rng.randrange(-30, 60))).isoformat()
        task: dict[str, Any] = {"title": title, "owner": None, "status": "open"}
        task["due"] = rng.choice((due, None))
        task |= {"created_at": _now(), "created_by": initiator.person_id, "done_at": None}
        task_id = new_item_id()
        _change(doc_id, initiator, "Taak toegevoegd", _add(_tasks, task_id, task))
        if rng.random() < 0.6:
            who = rng.choice(workers)
            taken = {"owner": who.person_id, "status": "taken"}
            _change(doc_id, who, "Taak opgepakt", _set(_item(_tasks, task_id), taken))
            if rng.random() < 0.5:
                done = {"status": "done", "done_at": _now()}
                _change(doc_id, who, "Taak afgerond", _set(_item(_tasks, task_id), done))
    if rng.random() < 0.5:
        update: dict[str, Any] = {"title": "Eerste stap gezet"}
        update["body"] = " ".join(rng.sample(words.SENTENCES, 3))
        update |= {"at": _now(), "by": initiator.person_id}
        _change(doc_id, initiator, "Nieuws geplaatst", _add(_updates, new_item_id(), update))


Where = Callable[[Transaction], Any]
"""Finds the object an edit writes to, inside the change."""


def _root(_tx: Transaction) -> Any:
    return ROOT


def _allies(tx: Transaction) -> Any:
    return tx.get(ROOT, "allies")


def _needs(tx: Transaction) -> Any:
    return tx.get(ROOT, "needs")


def _tasks(tx: Transaction) -> Any:
    return tx.get(tx.get(ROOT, "plan"), "tasks")


def _updates(tx: Transaction) -> Any:
    return tx.get(ROOT, "updates")


def _comments(tx: Transaction) -> Any:
    return tx.get(ROOT, "comments")


def _item(where: Where, key: str) -> Where:
    return lambda tx: tx.get(where(tx), key)


def _add(where: Where, key: str, values: dict[str, Any]) -> Callable[[Transaction], None]:
    """A new item (a map keyed by id), as node.edits.put_map writes it."""

    def edit(tx: Transaction) -> None:
        put_map(tx, where(tx), key, values)

    return edit


def _set(where: Where, values: dict[str, Any]) -> Callable[[Transaction], None]:
    def edit(tx: Transaction) -> None:
        for key, value in values.items():
            put_new(tx, where(tx), key, value)

    return edit


def _change(doc_id: str, who: Author, message: str, edit: Callable[[Transaction], None]) -> None:
    _repo.change(doc_id, who, message, lambda tx, _doc: edit(tx))


def _discussions_job(seed: int, specs: list[Spec]) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [_finish(_discussion(rng, spec)) for spec in specs]


def _discussion(rng: random.Random, spec: Spec) -> str:
    """A thread or current topic, then one change per comment or reply (node.discussions)."""
    initiative, title, where, tags, comments = spec
    starter = rng.choice(_people)
    intro = " ".join(rng.sample(words.SENTENCES, 2))

    def fill(tx: Any, doc: Any) -> None:
        tx.put(ROOT, "title", title)
        set_text(tx, doc, ROOT, "intro", intro)
        tx.put(ROOT, "initiative", initiative)
        put_map(tx, ROOT, "place", dict(where))
        put_list(tx, ROOT, "tags", list(tags))
        tx.put_object(ROOT, "comments", ObjType.MAP)

    message = "Gesprek over initiatief gestart" if initiative else "Gesprek gestart"
    doc_id: str = _repo.create("discussion", starter, message, fill)
    said: list[str] = []
    for _ in range(comments):
        who = rng.choice(_people)
        reply_to = rng.choice(said) if said and rng.random() < 0.3 else None
        values = {"by": who.person_id, "at": _now(), "body": words.comment_text(rng)}
        values["reply_to"] = reply_to
        comment_id = new_item_id()
        message = "Reactie geplaatst" if reply_to is None else "Antwoord geplaatst"
        _change(doc_id, who, message, _add(_comments, comment_id, values))
        said.append(comment_id)
    return doc_id
