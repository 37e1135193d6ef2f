"""Sync states kept per peer storage id and document (node/replication/sync_states.py)."""

from __future__ import annotations

import threading
from pathlib import Path

from node.replication.sync_states import SyncStateFiles
from sync.document_id import new_document_id


def test_saves_of_one_state_from_several_threads_never_fail(tmp_path: Path) -> None:
    """A peer's disconnect saves every state in a worker thread while its reconnect (another
    thread) saves them again: each save must land, not trip over the other's temporary file."""
    states = SyncStateFiles(tmp_path)
    doc_id = new_document_id()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def save(n: int) -> None:
        start.wait()
        try:
            for i in range(300):
                states.save("storage-a", doc_id, bytes([0x43, n, i % 256]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    saved = states.load("storage-a", doc_id)
    assert saved is not None and saved[0] == 0x43 and saved[2] == 299 % 256
    assert [p.name for p in (tmp_path).rglob("*") if p.is_file()] == [doc_id]
