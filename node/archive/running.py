"""Whether a node is serving from a data folder: `mekaar serve` holds a shared lock on
`<data>/serve.lock` for as long as it runs; import, which writes documents behind a running node's
back, holds it exclusively, and restore checks it before replacing a folder.

A lock rather than a probe of the port: the operating system drops it when the process ends, even
on kill -9, and it does not depend on which port a command is told the node listens on.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = "serve.lock"


class FolderBusy(Exception):
    """Another process holds the data folder: a serving node, or an import or restore."""


@contextlib.contextmanager
def _locked(data_path: Path, mode: int, message: str) -> Iterator[None]:
    data_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(message) from None
        if mode == fcntl.LOCK_SH:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())  # for a person looking: which process
        yield
    finally:
        os.close(fd)  # closing releases the lock


def serving(data_path: Path) -> contextlib.AbstractContextManager[None]:
    """Held by `mekaar serve` while it runs. Shared: it never stops a second node or a reader."""
    return _locked(
        data_path,
        fcntl.LOCK_SH,
        f"In {data_path} wordt nu geïmporteerd of hersteld. Start de node als dat klaar is.",
    )


def stopped(data_path: Path) -> contextlib.AbstractContextManager[None]:
    """Held while writing documents behind the node's back; FolderBusy when a node serves."""
    return _locked(
        data_path,
        fcntl.LOCK_EX,
        f"De node in {data_path} draait (mekaar serve). Stop hem eerst: een draaiende node houdt "
        "documenten in zijn geheugen en ziet niet wat er buiten hem om verandert.",
    )


def check_stopped(data_path: Path) -> None:
    """Raise FolderBusy when a node serves from `data_path`; creates nothing there."""
    if (data_path / LOCK_FILE).exists():
        with stopped(data_path):
            pass
