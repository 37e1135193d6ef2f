"""A Python handle on oracle.mjs: the reference npm Automerge, one Node process for the session.

The process is started once and spoken to in JSON lines (see oracle.mjs for the protocol). Every
call has a deadline, and a Node process that misses it is killed, so a hung or crashed reference
fails one test with a clear message instead of hanging pytest. The next call starts a fresh
process (its documents are gone; tests reset the oracle before use anyway).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class OracleError(RuntimeError):
    """The reference refused a request, or the Node process died or timed out."""


def missing_requirement() -> str | None:
    """Why the oracle cannot run here, or None when node and the npm packages are present."""
    if shutil.which("node") is None:
        return "node is not on PATH (the interop tests drive npm @automerge/automerge in Node)"
    if not (HERE / "node_modules" / "@automerge" / "automerge" / "package.json").is_file():
        return "tests/interop/node_modules is missing: run `npm ci` in tests/interop"
    return None


class Oracle:
    """One long-running `node oracle.mjs` with typed helpers for the commands the tests use."""

    SCRIPT = "oracle.mjs"
    """The Node script in tests/interop this process runs (subclasses drive other scripts)."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._buffer = b""
        self._next_id = 0

    # ------------------------------------------------------------------ process

    def _start(self) -> subprocess.Popen[bytes]:
        node = shutil.which("node")
        if node is None:
            raise OracleError("node is not on PATH")
        # stderr goes to a file, never a pipe: a chatty Node must not block on a full pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self._buffer = b""
        self._proc = subprocess.Popen(
            [node, self.SCRIPT],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        return self._proc

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self, kill: bool = False) -> None:
        """Stop Node and release its pipes (EOF on stdin makes oracle.mjs exit by itself).

        kill=True is for a process in an unknown state (timed out, out of step): don't wait.
        """
        proc, self._proc = self._proc, None
        if proc is not None:
            assert proc.stdin is not None and proc.stdout is not None
            if kill:
                proc.kill()
            with contextlib.suppress(OSError):
                proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _fail(self, message: str) -> OracleError:
        tail = self._stderr_tail()
        self.close(kill=True)
        return OracleError(message + (f"\n--- node stderr ---\n{tail}" if tail else ""))

    def _read_line(self, proc: subprocess.Popen[bytes], deadline: float) -> bytes:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise self._fail(f"oracle gave no answer within {self.timeout:.0f} s")
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise self._fail(f"oracle exited (code {proc.wait()})")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    # ------------------------------------------------------------------ protocol

    def call(self, cmd: str, timeout: float | None = None, **args: Any) -> Any:
        """Send one request and return its result; raise OracleError if the reference refused."""
        proc = self._proc if self._proc is not None and self._proc.poll() is None else self._start()
        assert proc.stdin is not None
        self._next_id += 1
        request_id = self._next_id
        line = json.dumps({"id": request_id, "cmd": cmd, **args}, ensure_ascii=False) + "\n"
        try:
            proc.stdin.write(line.encode("utf-8"))
            proc.stdin.flush()
        except OSError as exc:
            raise self._fail(f"could not write to the oracle: {exc}") from exc
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        response = json.loads(self._read_line(proc, deadline))
        if response.get("id") != request_id:
            raise self._fail(f"answer {response.get('id')} arrived for request {request_id}")
        if not response["ok"]:
            raise OracleError(f"{cmd}: {response['error']}")
        return response["result"]

    # ------------------------------------------------------------------ typed helpers

    def reset(self) -> None:
        self.call("reset")

    def create(self, doc: str, actor: bytes | None = None, author: str | None = None) -> str:
        """A new empty document; returns its actor id (hex)."""
        return str(
            self.call("create", doc=doc, actor=actor.hex() if actor else None, author=author)
        )

    def load(self, doc: str, data: bytes, actor: bytes | None = None) -> None:
        self.call("load", doc=doc, data=data.hex(), actor=actor.hex() if actor else None)

    def save(self, doc: str) -> bytes:
        return bytes.fromhex(self.call("save", doc=doc))

    def save_incremental(self, doc: str) -> bytes:
        return bytes.fromhex(self.call("saveIncremental", doc=doc))

    def load_incremental(self, doc: str, data: bytes) -> None:
        self.call("loadIncremental", doc=doc, data=data.hex())

    def heads(self, doc: str) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.call("getHeads", doc=doc)]

    def all_changes(self, doc: str) -> list[bytes]:
        return [bytes.fromhex(c) for c in self.call("getAllChanges", doc=doc)]

    def apply_changes(self, doc: str, changes: list[bytes]) -> None:
        self.call("applyChanges", doc=doc, changes=[c.hex() for c in changes])

    def canonical(self, doc: str) -> Any:
        return self.call("toCanonical", doc=doc)

    def random_edits(self, doc: str, seed: int, changes: int = 3, edits: int = 5) -> None:
        self.call("randomEdits", doc=doc, seed=seed, changes=changes, edits=edits)

    def clone(self, doc: str, as_: str, actor: bytes | None = None) -> None:
        self.call("clone", doc=doc, actor=actor.hex() if actor else None, **{"as": as_})

    def merge(self, into: str, from_: str) -> None:
        self.call("merge", into=into, **{"from": from_})

    def change(self, doc: str, ops: list[Any], message: str | None = None) -> None:
        self.call("change", doc=doc, ops=ops, message=message)

    def conflicts(self, doc: str, path: list[str | int], key: str | int) -> list[Any]:
        """Canonical values at one key or index in OpId order, winner last."""
        return [value for _op_id, value in self.call("getConflicts", doc=doc, path=path, key=key)]

    def init_sync_state(self, state: str) -> None:
        self.call("initSyncState", state=state)

    def generate_sync_message(self, doc: str, state: str) -> bytes | None:
        msg = self.call("generateSyncMessage", doc=doc, state=state)
        return None if msg is None else bytes.fromhex(msg)

    def receive_sync_message(self, doc: str, state: str, message: bytes) -> None:
        self.call("receiveSyncMessage", doc=doc, state=state, message=message.hex())

    def encode_sync_state(self, state: str) -> bytes:
        return bytes.fromhex(self.call("encodeSyncState", state=state))

    def decode_sync_state(self, state: str, data: bytes) -> None:
        self.call("decodeSyncState", state=state, data=data.hex())

    def decode_change(self, data: bytes) -> dict[str, Any]:
        return dict(self.call("decodeChange", data=data.hex()))

    def compress_change(self, data: bytes) -> bytes:
        """The change chunk as a compressed (type 2) chunk, built in oracle.mjs."""
        return bytes.fromhex(self.call("compressChange", data=data.hex()))

    def reencode_change(self, data: bytes) -> bytes | None:
        """encodeChange(decodeChange(data)), or None where the reference's JSON change form cannot
        carry a value of the change (bytes, float -0.0; see reencodeChange in oracle.mjs)."""
        result = self.call("reencodeChange", data=data.hex())
        return None if "unsupported" in result else bytes.fromhex(result["hex"])
