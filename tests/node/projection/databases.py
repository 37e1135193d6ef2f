"""The databases node tests run on: SQLite always; PostgreSQL when a server can be started here.

PostgreSQL runs as a throwaway cluster in a temp folder (initdb + pg_ctl, on 127.0.0.1 with a
free port), one per test session, with a fresh database per test. When the server binaries are
missing the PostgreSQL variants are skipped, unless MEKAAR_TEST_POSTGRES=1 (CI) makes them
required. As root (CI), the server runs as the `postgres` system user, which PostgreSQL demands.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from node.identity import init_node
from node.runtime import Node
from node.settings import Settings

REQUIRED = os.environ.get("MEKAAR_TEST_POSTGRES") == "1"


@dataclass
class Cluster:
    root: Path
    port: int
    bindir: Path
    run_as: dict[str, Any]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://mekaar@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"postgresql://mekaar@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"MEKAAR_TEST_POSTGRES=1 but PostgreSQL cannot run here: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def start_cluster() -> Cluster:
    bindir = _bindir()
    if bindir is None:
        _unavailable("no pg_ctl on PATH or in /usr/lib/postgresql/*/bin")
        raise AssertionError  # unreachable: skip and fail raise
    run_as: dict[str, Any] = {}
    root = Path(tempfile.mkdtemp(prefix="mekaar-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root)
            _unavailable("running as root and there is no 'postgres' user to run the server")
            raise AssertionError from None
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    data = root / "data"
    port = _free_port()
    subprocess.run(
        [bindir / "initdb", "-D", data, "-U", "mekaar", "--auth=trust", "-E", "UTF8",
         "--locale=C", "--no-sync"],
        check=True, capture_output=True, cwd=root, **run_as,
    )  # fmt: skip
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    started = subprocess.run(
        [bindir / "pg_ctl", "-D", data, "-o", options, "-l", root / "server.log", "-w", "start"],
        capture_output=True, cwd=root, **run_as,
    )  # fmt: skip
    if started.returncode != 0:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        stop_cluster(Cluster(root, port, bindir, run_as))
        _unavailable(f"pg_ctl start failed: {started.stderr.decode()} {log}")
    return Cluster(root, port, bindir, run_as)


def stop_cluster(cluster: Cluster) -> None:
    subprocess.run(
        [cluster.bindir / "pg_ctl", "-D", cluster.root / "data", "-m", "immediate", "stop"],
        capture_output=True, cwd=cluster.root, **cluster.run_as,
    )  # fmt: skip
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Empty for SQLite in the node's data folder; a fresh PostgreSQL database otherwise."""
    if request.param == "sqlite":
        yield ""
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = f"t_{uuid.uuid4().hex[:16]}"
    cluster.admin(f"CREATE DATABASE {name}")
    yield cluster.url(name)
    cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def node(tmp_path: Path, database_url: str) -> Iterator[Node]:
    """An initialised node in a temp data folder, its tables created, on each database."""
    data = tmp_path / "data"
    init_node(data, "Oldebroek")
    settings = Settings(data_dir=str(data), database_url=database_url)
    opened = asyncio.run(Node.open(settings, null_pool=True))
    yield opened
    asyncio.run(opened.close())
