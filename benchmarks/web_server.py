"""Serving the benchmark's node with a production ASGI server on 127.0.0.1, as a subprocess in its
own process group (so its workers stop with it), ready once the list page answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = "benchmarks.web_app:make_app"
HOST = "127.0.0.1"
SERVERS = ("granian", "uvicorn")
READY_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def command(server: str, port: int, workers: int) -> list[str]:
    bin_dir = Path(sys.executable).parent
    if server == "granian":
        return [
            str(bin_dir / "granian"),
            *("--interface", "asgi", "--factory", "--host", HOST, "--port", str(port)),
            *("--workers", str(workers), "--no-access-log", "--log-level", "warning"),
            *("--working-dir", str(REPO), APP),
        ]
    return [
        str(bin_dir / "uvicorn"),
        *("--factory", "--host", HOST, "--port", str(port), "--workers", str(workers)),
        *("--no-access-log", "--log-level", "warning", "--app-dir", str(REPO), APP),
    ]


@contextmanager
def serving(server: str, data_dir: Path, workers: int, log: Path) -> Iterator[str]:
    """Run the server until the block ends; yields its base URL (http://127.0.0.1:port)."""
    port = free_port()
    env = {**os.environ, "MEKAAR_DATA": str(data_dir), "PYTHONPATH": str(REPO)}
    env.pop("DATABASE_URL", None)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command(server, port, workers),
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"
    try:
        _wait_ready(process, base, log)
        yield base
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The server stopped (exit {process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"The server did not answer within {READY_TIMEOUT:.0f} s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's own process group (its id is the server's pid), workers included."""
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    process.wait()
