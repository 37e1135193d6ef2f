"""Our own pure-Python Automerge, byte-compatible with the reference @automerge/automerge 3.x.

The calls other layers rely on are listed in API.md beside this file. Everything here is
synchronous and does no I/O: bytes in, bytes out.
"""

from .change import Change, decode_change
from .document import Document
from .errors import DecodeError
from .patches import Patch
from .sync_protocol import SyncMessage, SyncState
from .values import ROOT, Counter, ObjId, ObjType, Uint, Unknown

__all__ = [
    "ROOT",
    "Change",
    "Counter",
    "DecodeError",
    "Document",
    "ObjId",
    "ObjType",
    "Patch",
    "SyncMessage",
    "SyncState",
    "Uint",
    "Unknown",
    "decode_change",
]
