"""Our own pure-Python Automerge, byte-compatible with the reference @automerge/automerge 3.x.

## The engine's public API (being written now in sync/automerge/ by the lead; do not edit sync/)
```python
from sync.automerge import (Document, ROOT, ObjId, ObjType, Counter, Uint, SyncState,
                            DecodeError, decode_change)
doc = Document(actor=None)            # actor: bytes | hex str | None (random 16 bytes)
doc.actor -> bytes
with doc.change(message="...", time=None) as tx:   # one Automerge change per block; no ops -> no change
    tx.put(ROOT, "title", "Moestuin")              # plain str = scalar string (JS ImmutableString)
    tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)   # ObjType.MAP / LIST / TEXT; returns ObjId
    tx.insert(tasks, 0, "water geven"); tx.insert_object(tasks, 1, ObjType.MAP)
    body = tx.put_object(ROOT, "body", ObjType.TEXT)
    tx.splice_text(body, 0, 0, "Hallo")            # indexes are Python str indexes (code points)
    tx.splice(tasks, 0, 1, ["a", "b"])             # lists: delete 1 at 0, insert values
    tx.put(ROOT, "supporters", Counter(0)); tx.increment(ROOT, "supporters", 1)
    tx.put(ROOT, "n", Uint(7)); tx.put(ROOT, "when", datetime(..., tzinfo=UTC))  # timestamp
    tx.put(ROOT, "f", 1.5); tx.put(ROOT, "raw", b"\\x01"); tx.put(ROOT, "none", None); tx.put(ROOT, "b", True)
    tx.delete(tasks, 0); tx.delete(ROOT, "n")
# an exception inside the block rolls the whole change back
data = doc.save(); doc2 = Document.load(data, actor=None); chunk = doc.save_incremental()
doc.load_incremental(data)                 # doc chunks and/or concatenated change chunks
doc.get_heads() -> list[bytes]             # 32-byte change hashes, sorted
doc.get_changes(have_deps: list[bytes]) -> list[bytes]   # encoded change chunks not reachable from have_deps
doc.get_all_changes() -> list[bytes]
doc.apply_changes(changes: list[bytes])    # out-of-order changes wait for their deps
doc.get_missing_deps(heads: list[bytes] = []) -> list[bytes]
doc.merge(other); doc.fork(actor=None, heads=None) -> Document
doc.to_py(heads=None) -> dict   # text->str, counter->int, timestamp->aware UTC datetime, bytes->bytes, uint->int
doc.get(obj, key_or_index)      # value, or ObjId for a nested object, or None when absent
doc.get_all(obj, key_or_index)  # list of conflicting values, in OpId order (winner last)
doc.text(obj) -> str; doc.length(obj) -> int; doc.keys(obj) -> list[str]
doc.diff(before_heads, after_heads) -> list[Patch]
state = SyncState(); msg = doc.generate_sync_message(state)   # bytes, or None when nothing to say
doc.receive_sync_message(state, msg); state.encode() -> bytes; SyncState.decode(data)
decode_change(chunk: bytes) -> Change   # .hash (bytes), .actor, .seq, .start_op, .time, .message, .deps
```
Malformed input to load / load_incremental / apply_changes / receive_sync_message / SyncState.decode /
decode_change raises DecodeError (a ValueError subclass with .reason and .offset) — never another
exception type, never a hang, and the document stays as it was.

"""
