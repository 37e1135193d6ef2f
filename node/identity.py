"""A node's identity: its id (the public half of an Ed25519 signing key), name and keys, kept in
the data folder. Created once by `mekaar init`; the private key never leaves the node."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import base58
from nacl.signing import SigningKey

from .errors import Invalid, NotFound

IDENTITY_FILE = "node.json"
KEY_FILE = "node.key"
SECRET_FILE = "session.secret"


@dataclass(frozen=True)
class NodeIdentity:
    node_id: str
    name: str
    created_at: str
    signing_key: SigningKey
    session_secret: bytes

    @property
    def public(self) -> dict[str, str]:
        return {"node_id": self.node_id, "name": self.name, "created_at": self.created_at}


def init_node(data_dir: Path, name: str) -> NodeIdentity:
    """Create the data folder and the node's keys; refuse to overwrite an existing node."""
    name = name.strip()
    if not name or len(name) > 80:
        raise Invalid("name", "Geef de node een naam van 1 tot 80 tekens.")
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / IDENTITY_FILE).exists():
        raise Invalid("data_dir", f"Er staat al een node in {data_dir}.")
    key = SigningKey.generate()
    node_id = base58.b58encode(bytes(key.verify_key)).decode("ascii")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    _write_private(data_dir / KEY_FILE, bytes(key))
    _write_private(data_dir / SECRET_FILE, secrets.token_bytes(32))
    info = {"node_id": node_id, "name": name, "created_at": created}
    (data_dir / IDENTITY_FILE).write_text(json.dumps(info, indent=2) + "\n")
    (data_dir / "documents").mkdir(exist_ok=True)
    return load_node(data_dir)


def load_node(data_dir: Path) -> NodeIdentity:
    path = data_dir / IDENTITY_FILE
    if not path.exists():
        raise NotFound(f"node in {data_dir} (run `mekaar init --name ...` first)")
    info = json.loads(path.read_text())
    key = SigningKey((data_dir / KEY_FILE).read_bytes())
    if base58.b58encode(bytes(key.verify_key)).decode("ascii") != info["node_id"]:
        raise Invalid("node.key", "the signing key does not belong to this node id")
    return NodeIdentity(
        info["node_id"],
        info["name"],
        info["created_at"],
        key,
        (data_dir / SECRET_FILE).read_bytes(),
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
