"""The `mekaar` command: init, serve (the default), demo, reindex, export/import, backup/restore,
peer, follow and alliance.

Every command builds its settings once with `Settings.from_env(**flags)`: environment variables
(MEKAAR_DATA, DATABASE_URL, ...) first, flags win. The web app is found through the `mekaar.app`
entry point (pyproject.toml) rather than imported, so node/ never imports web/ (STYLE.md §1).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
)

from .archive.running import FolderBusy, serving
from .errors import Invalid, NodeError, NotFound
from .identity import init_node, load_node
from .runtime import Node
from .settings import Settings

APP_ENTRY_POINTS = "mekaar.app"
"""Entry-point group naming the ASGI app factory `serve` runs: create_app(settings)."""
DEMO_NODE_NAME = "Oldebroek"
ROLE_NAMES = {"resident": "bewoner", "moderator": "moderator", "host": "beheerder"}

console = Console(highlight=False)
T = TypeVar("T")


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    try:
        return Settings.from_env(**ctx.obj, **flags)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _where(settings: Settings) -> str:
    return escape(str(settings.data_path))


def _fail(exc: NodeError) -> click.ClickException:
    if isinstance(exc, Invalid):
        return click.ClickException(exc.message)
    if isinstance(exc, NotFound):
        return click.ClickException(f"Niet gevonden: {exc.what}")
    return click.ClickException(str(exc))


@click.group(invoke_without_command=True)
@click.option(
    "--data",
    "data_dir",
    metavar="MAP",
    help="Map met de gegevens van de node (anders MEKAAR_DATA, standaard ./data).",
)
@click.option(
    "--database-url",
    metavar="URL",
    help="SQLAlchemy-URL van de database (anders DATABASE_URL, standaard SQLite in de map).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, database_url: str | None) -> None:
    """Mekaar: het samenlevingsplatform van je dorp. Zonder opdracht: `mekaar serve`."""
    ctx.obj = {"data_dir": data_dir, "database_url": database_url}
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@main.command()
@click.option("--name", required=True, help="Naam van het dorp of de wijk, bv. Oldebroek.")
@click.pass_context
def init(ctx: click.Context, name: str) -> None:
    """Maak een nieuwe node: sleutels en node-id in de gegevensmap."""
    settings = _settings(ctx)
    try:
        identity = init_node(settings.data_path, name)
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(f"Node [bold]{escape(identity.name)}[/bold] gemaakt in {_where(settings)}")
    console.print(f"Node-id: {identity.node_id}")


@main.command()
@click.option("--host", default=None, help="Adres om op te luisteren (anders MEKAAR_HOST).")
@click.option("--port", default=None, type=int, help="Poort (anders MEKAAR_PORT, standaard 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None = None, port: int | None = None) -> None:
    """Start de website van de node."""
    import uvicorn

    settings = _settings(ctx, host=host, port=port)
    try:
        load_node(settings.data_path)
    except NodeError:
        raise click.ClickException(
            f"Er staat nog geen node in {settings.data_path}. "
            "Begin met `mekaar init --name <dorp>` of `mekaar demo`."
        ) from None
    app = load_app_factory()(settings)
    _tune_collector()
    if settings.log_format == "text":  # JSON logs: uvicorn's own line says where it listens
        console.print(f"Mekaar luistert op http://{settings.host}:{settings.port}")
    # log_config=None: uvicorn's own lines go through the app's logging (text or JSON alike)
    try:
        with serving(settings.data_path):  # import and restore refuse while this is held
            uvicorn.run(
                app, host=settings.host, port=settings.port, proxy_headers=True, log_config=None
            )
    except FolderBusy as exc:
        raise click.ClickException(str(exc)) from None


YOUNG_OBJECTS = 50_000
"""Allocations (net) between two collections of the youngest generation; Python's default is 700."""


def _tune_collector() -> None:
    """Set the cyclic garbage collector for a node that holds thousands of documents.

    A loaded document is some thousand small objects that live as long as it stays cached, and
    the collector walked them again and again: the default thresholds had it collect after
    every few hundred allocations, and each full collection also walked the half million
    objects of the loaded code (litestar, sqlalchemy, jsonschema…). Together that was a third of
    what a node did while taking in documents from a peer (benchmarks/replication.py). What
    starting up made lives as long as the process, so it is frozen out of every collection,
    and the young generation is collected after 50,000 allocations instead of 700. Cycles
    still get collected; a few megabytes more of them may wait for it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 20, 10)


def load_app_factory() -> Callable[[Settings], Any]:
    """The installed web app's factory (entry point group `mekaar.app`)."""
    found = list(entry_points(group=APP_ENTRY_POINTS))
    if not found:
        raise click.ClickException(
            "Er is geen web-app geïnstalleerd (entry point mekaar.app). "
            "Installeer Mekaar opnieuw: pip install -e ."
        )
    factory: Callable[[Settings], Any] = found[0].load()
    return factory


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Vul een lege node met voorbeeldinhoud en demo-accounts (maakt de node zo nodig aan)."""
    from .demo import fill_demo, has_content

    settings = _settings(ctx)
    try:
        load_node(settings.data_path)
    except NotFound:
        init_node(settings.data_path, DEMO_NODE_NAME)
        console.print(f"Node [bold]{DEMO_NODE_NAME}[/bold] gemaakt in {_where(settings)}")

    async def run() -> None:
        node = await Node.open(settings, null_pool=True)
        try:
            if has_content(node):
                console.print(
                    "Deze node heeft al inhoud; de demo vult alleen een lege node. "
                    "Er is niets veranderd."
                )
                return
            with console.status("Voorbeeldinhoud maken…"):
                result = await fill_demo(node)
        finally:
            await node.close()
        console.print(
            f"Klaar: {result.initiatives} initiatieven, {result.discussions} gesprekken, "
            f"{result.people} mensen, {result.organisations} organisaties, "
            f"{result.grant_calls} subsidieoproep, {result.jobs} klus, {result.places} plekken, "
            f"{result.events} activiteit."
        )
        if result.accounts:
            console.print(
                f"\nDemo-accounts (alleen om uit te proberen), wachtwoord "
                f"[bold]{result.accounts[0].password}[/bold]:"
            )
        for account in result.accounts:
            role = ROLE_NAMES.get(account.role, account.role)
            console.print(f"  {account.email}  {account.name} ({role})", overflow="ignore")

    try:
        asyncio.run(run())
    except NodeError as exc:
        raise _fail(exc) from None


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Bouw de zoek- en lijsttabellen opnieuw op uit de documenten."""
    from .projection import reindex as rebuild

    settings = _settings(ctx)
    try:
        count = asyncio.run(_on_node_with_bar(settings, rebuild))
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(f"{count} documenten opnieuw geïndexeerd.")


def _bar(what: str) -> Progress:
    return Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), console=console)


async def _on_node_with_bar(
    settings: Settings, work: Callable[[Node, Callable[[int, int], None]], Awaitable[T]]
) -> T:
    """`work(node, progress)` on the opened node, with a progress bar of its documents."""
    node = await Node.open(settings, null_pool=True)
    try:
        with _bar("Documenten") as bar:
            task = bar.add_task("documents", total=None)
            return await work(
                node, lambda done, total: bar.update(task, completed=done, total=total)
            )
    finally:
        await node.close()


# ---------------------------------------------------------------------------------- archive


def _report_problems(problems: list[Any]) -> None:
    for problem in problems:
        console.print(
            f"[bold]Overgeslagen[/bold] {escape(problem.name)}: {escape(problem.reason)}",
            soft_wrap=True,  # whole lines: a host may grep them or paste them into an issue
        )


@main.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_(ctx: click.Context, folder: Path) -> None:
    """Schrijf elk document naar de nieuwe of lege map FOLDER (zonder persoonsgegevens).

    Per document een .automerge- en een .json-bestand, plus manifest.json en README.txt. Kan
    terwijl de node draait; accounts, e-mailadressen, wachtwoorden en tokens gaan nooit mee.
    """
    from .archive.export import export_node

    settings = _settings(ctx)
    try:
        with _bar("Documenten") as bar:
            task = bar.add_task("export", total=None)
            result = export_node(
                settings.data_path,
                folder,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(f"{result.documents} documenten geëxporteerd naar {escape(str(folder))}.")
    _report_problems(result.problems)
    if result.problems:
        raise SystemExit(1)


@main.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, folder: Path) -> None:
    """Haal de documenten uit export-map FOLDER in deze node (stop de node eerst).

    Een document dat er al is, wordt samengevoegd; een nieuw document toegevoegd. Elk bestand
    wordt eerst gecontroleerd; een beschadigd bestand wordt gemeld en overgeslagen.
    """
    from .archive.importing import import_export
    from .archive.running import stopped

    settings = _settings(ctx)
    try:
        load_node(settings.data_path)  # before the lock, which would make the folder
        with stopped(settings.data_path):
            result = asyncio.run(
                _on_node_with_bar(
                    settings, lambda node, progress: import_export(node, folder, progress)
                )
            )
    except FolderBusy as exc:
        raise click.ClickException(str(exc)) from None
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(
        f"{result.added} documenten toegevoegd, {result.merged} samengevoegd, "
        f"{result.unchanged} waren er al."
    )
    for document_id, reason in result.quarantined.items():
        console.print(
            f"In quarantaine (niet getoond) {document_id}: {escape(reason)}", soft_wrap=True
        )
    _report_problems(result.problems)
    if result.problems:
        raise SystemExit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Maak een back-up van de hele node in FILE (.tar.gz), ook terwijl de node draait.

    Met de sleutels van de node, alle documenten, de accounts (met wachtwoord-hashes), buur-nodes
    en hun tokens: bewaar het bestand veilig.
    """
    from .archive.backup import write_backup

    settings = _settings(ctx)
    try:
        result = asyncio.run(
            _on_node_with_bar(settings, lambda node, progress: write_backup(node, file, progress))
        )
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(
        f"Back-up gemaakt: {escape(str(result.path))} ({result.bytes // 1024 + 1} kB, "
        f"{result.documents} documenten, {result.rows.get('accounts', 0)} accounts). "
        "Bewaar hem veilig: er staan sleutels en wachtwoord-hashes in."
    )


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Zet wat er in de gegevensmap staat opzij en herstel toch."
)
@click.pass_context
def restore(ctx: click.Context, file: Path, force: bool) -> None:
    """Zet back-up FILE terug in een lege gegevensmap en bouw de zoektabellen opnieuw op."""
    from .archive.restore import restore_backup

    settings = _settings(ctx)

    async def run() -> Any:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=console
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def step(what: str) -> Callable[[int, int], None]:
                """A bar that shows up once its step starts (not for a refused restore)."""

                def update(done: int, total: int) -> None:
                    if what not in tasks:
                        tasks[what] = bar.add_task(what, total=total)
                    bar.update(tasks[what], completed=done, total=total)

                return update

            return await restore_backup(
                settings,
                file,
                force=force,
                unpacking=step("Uitpakken"),
                indexing=step("Documenten"),
            )

    try:
        result = asyncio.run(run())
    except FolderBusy as exc:
        raise click.ClickException(str(exc)) from None
    except NodeError as exc:
        raise _fail(exc) from None
    if result.set_aside is not None:
        console.print(f"Wat in de map stond, staat nu in {escape(str(result.set_aside))}.")
    console.print(
        f"Node [bold]{escape(result.node_name)}[/bold] hersteld uit de back-up van "
        f"{result.backed_up_at}: {result.documents} documenten, "
        f"{result.rows.get('accounts', 0)} accounts, {result.rows.get('peers', 0)} buur-nodes."
    )


# ---------------------------------------------------------------------------------- peers


@main.group()
def peer() -> None:
    """Buur-nodes: uitnodigen, toevoegen, weghalen, en hoe het synchroniseren gaat."""


def _with_session(settings: Settings, job: Callable[[Any], Any]) -> Any:
    """Run `job(session)` against the node's database and commit."""

    async def run() -> Any:
        node = await Node.open(settings, null_pool=True)
        try:
            async with node.sessions() as session:
                result = await job(session)
                await session.commit()
                return result
        finally:
            await node.close()

    try:
        return asyncio.run(run())
    except NodeError as exc:
        raise _fail(exc) from None


@peer.command()
@click.argument("name")
@click.option(
    "--app",
    is_flag=True,
    help="Voor een automerge-repo-app (zoals een browser-app) in plaats van een buur-node.",
)
@click.option(
    "--person",
    default=None,
    help="Met --app: de bewoner (e-mailadres) als wie deze node instaat voor wat de app schrijft.",
)
@click.pass_context
def invite(ctx: click.Context, name: str, app: bool, person: str | None) -> None:
    """Laat buur-node NAME met deze node verbinden: geeft het token voor die beheerder."""
    from .identity import load_node
    from .peers import service as peers

    settings = _settings(ctx)
    kind = peers.APP if app else peers.NODE
    invitation = _with_session(settings, lambda session: peers.invite(session, name, kind, person))
    node_id = load_node(settings.data_path).node_id
    address = settings.public_url.rstrip("/") or "wss://<adres-van-deze-node>"
    console.print(f"Uitnodiging voor [bold]{escape(invitation.peer.name)}[/bold] gemaakt.")
    console.print("Geef de beheerder daar dit token (het wordt maar één keer getoond):")
    console.print(invitation.token, overflow="ignore", crop=False, soft_wrap=True)
    if app:
        console.print(
            f"De app verbindt met {escape(address)}/sync?token=<token>.", overflow="ignore"
        )
        if not person:
            console.print(
                "Zonder --person leest de app alleen: wat hij schrijft, wordt vastgehouden "
                "tot een node ervoor instaat."
            )
        return
    console.print(f"De node-id van deze node is {node_id}", overflow="ignore", soft_wrap=True)
    console.print(
        f"Daar: mekaar peer add {escape(address)}/sync --token <token> --node {node_id}",
        overflow="ignore",
        soft_wrap=True,
    )
    console.print(
        "De eerste node die met dit token verbindt en zijn sleutel bewijst, wordt eraan "
        "vastgezet; daarna werkt het token alleen nog met die sleutel."
    )


@peer.command("add")
@click.argument("url")
@click.option("--token", required=True, help="Het token dat de andere node gaf.")
@click.option("--name", default=None, help="Naam van de buur-node (standaard: het adres).")
@click.option("--node", "node_id", default=None, help="De node-id die de andere node gaf.")
@click.option(
    "--relay",
    is_flag=True,
    help="Een gewone automerge-repo-syncserver (geen Mekaar-node, dus zonder sleutel).",
)
@click.option(
    "--person",
    default=None,
    help="Met --relay: de bewoner (e-mailadres) als wie deze node instaat voor nieuwe schrijvers.",
)
@click.pass_context
def peer_add(
    ctx: click.Context,
    url: str,
    token: str,
    name: str | None,
    node_id: str | None,
    relay: bool,
    person: str | None,
) -> None:
    """Verbind met de buur-node op URL (ws:// of wss://) en synchroniseer alles wat ze delen."""
    from .peers import service as peers

    settings = _settings(ctx)
    added = _with_session(
        settings,
        lambda session: peers.add(
            session, url, token, name, node_id=node_id, relay=relay, person=person
        ),
    )
    console.print(
        f"Buur-node [bold]{escape(added.name)}[/bold] toegevoegd ({escape(added.url or '')}). "
        "Een draaiende node begint na een herstart met synchroniseren."
    )
    if not relay and not node_id:
        console.print(
            "Zonder --node wordt de sleutel die de andere node bij de eerste verbinding bewijst "
            "vastgezet. Controleer die met `mekaar peer list`."
        )


def _peer_line(item: Any) -> str:
    from .peers import service as peers

    way = "belt ons" if item.direction == peers.INBOUND else f"wij bellen {item.url}"
    if item.kind == peers.APP:
        key = "app, geen sleutel"
    elif item.kind == peers.RELAY:
        key = "relay, geen sleutel"
    elif item.node_id:
        key = f"sleutel {item.node_id}"
    else:
        key = "sleutel nog niet gezien"
    return f"{item.id}  {escape(item.name)}  ({escape(way)}; {key})"


@peer.command("list")
@click.pass_context
def peer_list(ctx: click.Context) -> None:
    """Alle buur-nodes, met de sleutel die voor elke node is vastgezet."""
    from .peers import service as peers

    settings = _settings(ctx)
    found = _with_session(settings, peers.peers)
    if not found:
        console.print("Nog geen buur-nodes. Gebruik `mekaar peer invite` of `mekaar peer add`.")
    for item in found:
        console.print(_peer_line(item), overflow="ignore", soft_wrap=True)


@peer.command("repin")
@click.argument("name")
@click.option("--node", "node_id", default=None, help="De nieuwe node-id, als je die al weet.")
@click.pass_context
def peer_repin(ctx: click.Context, name: str, node_id: str | None) -> None:
    """Vergeet de vastgezette sleutel van buur-node NAME (bijvoorbeeld na een nieuwe installatie
    daar): de volgende sleutel die hij bewijst wordt vastgezet, of meteen die van --node."""
    from .peers import service as peers

    settings = _settings(ctx)
    item = _with_session(settings, lambda session: peers.repin(session, name, node_id))
    console.print(_peer_line(item), overflow="ignore", soft_wrap=True)


@peer.command("remove")
@click.argument("name")
@click.pass_context
def peer_remove(ctx: click.Context, name: str) -> None:
    """Haal buur-node NAME (naam of nummer) weg; zijn token werkt daarna niet meer."""
    from .peers import service as peers

    settings = _settings(ctx)
    gone = _with_session(settings, lambda session: peers.remove(session, name))
    console.print(f"Buur-node [bold]{escape(gone.name)}[/bold] weggehaald.")


def _read_status(settings: Settings) -> dict[str, Any]:
    import json

    from .replication.replicator import STATUS_FILE

    try:
        status: dict[str, Any] = json.loads((settings.data_path / STATUS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        status = {"at": None, "peers": []}
    return status


def _wait_for_replication(settings: Settings, timeout: float) -> None:
    """A progress bar per connected peer until none is behind (the first replication of a new
    node can take minutes); exits 1 after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    quiet = 0
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        tasks: dict[str, Any] = {}
        while time.monotonic() < deadline:
            peers = [row for row in _read_status(settings)["peers"] if row["connected"]]
            for row in peers:
                if row["name"] not in tasks:
                    tasks[row["name"]] = bar.add_task(escape(row["name"]), total=None)
                done = row["documents"] - row["behind"]
                bar.update(tasks[row["name"]], completed=done, total=row["documents"] or None)
            settled = bool(peers) and all(r["behind"] == 0 and r["documents"] for r in peers)
            quiet = quiet + 1 if settled else 0
            if quiet >= 3:  # three reads in a row: not a lull between two batches
                console.print("Bijgewerkt: geen buur-node is nog documenten achter.")
                return
            time.sleep(0.5)
    raise click.ClickException(
        f"Na {timeout:.0f} seconden nog niet bijgewerkt (draait de node, is er verbinding?)."
    )


@peer.command("status")
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@click.option(
    "--wait",
    is_flag=True,
    help="Wacht met een voortgangsbalk tot geen buur-node meer documenten achter is.",
)
@click.option("--timeout", default=600.0, show_default=True, help="Seconden wachten (--wait).")
@click.pass_context
def peer_status(ctx: click.Context, as_json: bool, wait: bool, timeout: float) -> None:
    """Hoe het synchroniseren gaat, zoals de draaiende node het laatst schreef."""
    import json

    settings = _settings(ctx)
    if wait:
        _wait_for_replication(settings, timeout)
        return
    status = _read_status(settings)
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    if status["at"] is None:
        console.print("Geen status: draait de node (`mekaar serve`)?")
        return
    console.print(f"Stand van {status['at']}:")
    for row in status["peers"]:
        state = "verbonden" if row["connected"] else "niet verbonden"
        line = (
            f"{escape(row['name'])}: {state}, laatste synchronisatie {row['last_sync'] or '-'}, "
            f"{row['behind']} van {row['documents']} documenten achter"
        )
        if row.get("last_error"):
            line += f" ({escape(row['last_error'])})"
        console.print(line, overflow="ignore")


@main.command()
@click.argument("url")
@click.pass_context
def follow(ctx: click.Context, url: str) -> None:
    """Volg document URL (automerge:… of een id) bij elke buur-node die deze node belt."""
    from .peers import service as peers

    settings = _settings(ctx)
    doc_id = _with_session(settings, lambda session: peers.follow(session, url))
    console.print(
        f"Deze node vraagt buur-nodes voortaan om automerge:{doc_id} "
        "(een draaiende node bij de volgende verbinding)."
    )


@main.group()
def alliance() -> None:
    """Allianties van dorpen: cijfers en vaardighedengids samen (docs/dialogue.md)."""


@alliance.command("create")
@click.argument("name")
@click.pass_context
def alliance_create(ctx: click.Context, name: str) -> None:
    """Begin een alliantie met naam NAME; geef het id aan de beheerders van de andere dorpen."""
    from .alliance import service as alliances

    settings = _settings(ctx)
    alliance_id = _with_session(settings, lambda session: alliances.found(session, name))
    console.print(f"Alliantie {escape(name)}: {alliance_id}")
    console.print(
        "De draaiende node maakt haar en zet er de cijfers van dit dorp in. Andere dorpen: "
        f"`mekaar alliance join {alliance_id}`."
    )


@alliance.command("join")
@click.argument("alliance_id")
@click.pass_context
def alliance_join(ctx: click.Context, alliance_id: str) -> None:
    """Word lid van alliantie ALLIANCE_ID: de node vraagt haar aan de buur-nodes en zet er dan
    de cijfers en vaardighedengids van dit dorp in."""
    from .alliance import service as alliances

    settings = _settings(ctx)
    joined = _with_session(settings, lambda session: alliances.join(session, alliance_id))
    console.print(f"Lid van alliantie {joined} (de draaiende node werkt haar bij).")


@alliance.command("leave")
@click.argument("alliance_id", required=False)
@click.pass_context
def alliance_leave(ctx: click.Context, alliance_id: str | None) -> None:
    """Verlaat de alliantie (ALLIANCE_ID, als deze node lid is van meer dan één): de node haalt
    de gegevens van dit dorp eruit."""
    from .alliance import service as alliances

    settings = _settings(ctx)
    left = _with_session(settings, lambda session: alliances.leave(session, alliance_id))
    console.print(f"Alliantie {left} wordt verlaten (de draaiende node haalt dit dorp eruit).")


@main.group()
def person() -> None:
    """Bewoners van deze node."""


@person.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_context
def person_erase(ctx: click.Context, email: str, yes: bool) -> None:
    """Wis de bewoner met e-mailadres EMAIL (stop de node eerst).

    Het account en het profiel verdwijnen, en wat deze persoon schreef wordt uit de documenten
    gehaald, hier en (via de buur-nodes) op elke node. Dit kan niet ongedaan worden gemaakt.
    """
    from .archive.running import stopped
    from .people.erasure import erase_resident, person_of_email
    from .replication.erasing import apply_erasures

    settings = _settings(ctx)
    if not yes:
        click.confirm(f"{email} wissen? Dit kan niet ongedaan worden gemaakt.", abort=True)

    async def run() -> tuple[str, int]:
        node = await Node.open(settings, null_pool=True)
        try:
            async with node.sessions() as session:
                person_id = await person_of_email(session, email)
                await erase_resident(node, session, person_id)
                await session.commit()
            result = await apply_erasures(node)
            return person_id, len(result.changed | result.removed)
        finally:
            await node.close()

    try:
        load_node(settings.data_path)
        with stopped(settings.data_path):
            person_id, documents = asyncio.run(run())
    except FolderBusy as exc:
        raise click.ClickException(str(exc)) from None
    except NodeError as exc:
        raise _fail(exc) from None
    console.print(
        f"Gewist: {person_id}. {documents} document(en) hier herschreven of verwijderd; de "
        "buur-nodes volgen zodra de node weer draait."
    )


@main.group()
def digest() -> None:
    """E-mailoverzichten van meldingen (MEKAAR_SMTP_*)."""


@digest.command("send")
@click.option("--dry-run", is_flag=True, help="Alleen tonen wie een overzicht zou krijgen.")
@click.pass_context
def digest_send(ctx: click.Context, dry_run: bool) -> None:
    """Stuur de overzichten die nu klaarstaan (de draaiende node doet dit ook vanzelf).

    Iedereen krijgt er hoogstens één per dag of week, alleen met nieuws; een tweede keer
    draaien stuurt niets dubbel.
    """
    from .notifications.digest import send_digests
    from .notifications.language import load_catalogs
    from .notifications.postbox import SmtpPostbox
    from .notifications.postman import base_url

    settings = _settings(ctx)
    if not dry_run and not settings.sends_mail:
        raise click.ClickException(
            "Geen mailserver ingesteld: zet MEKAAR_SMTP_HOST (of gebruik --dry-run)."
        )

    async def run() -> list[tuple[str, str, int, bool]]:
        node = await Node.open(settings, null_pool=True)
        try:
            letters = await send_digests(
                node,
                None if dry_run else SmtpPostbox(settings),
                load_catalogs(),
                base_url=base_url(settings),
                dry_run=dry_run,
            )
            return [(x.to, x.period, x.notices, x.sent) for x in letters]
        finally:
            await node.close()

    load_node(settings.data_path)
    letters = asyncio.run(run())
    for to, period, count, sent in letters:
        state = "verstuurd" if sent else ("zou gaan" if dry_run else "NIET verstuurd")
        console.print(f"{escape(to)} ({period}): {count} melding(en), {state}")
    if not letters:
        console.print("Niemand heeft nu nieuws voor een overzicht.")
