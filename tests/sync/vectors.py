"""Captured reference vectors from ../shared/automerge/vectors (copied into tests/sync/data)."""

from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).parent / "data"


def vector_text(name: str) -> str:
    return (DATA / name).read_text()


def hex_lines(name: str, label: str) -> list[bytes]:
    """Every hex payload on lines starting with `label` (a regex), in file order."""
    pattern = rf"^{label}(?:[^:\n]*:)?\s+([0-9a-f]+)$"
    return [bytes.fromhex(h) for h in re.findall(pattern, vector_text(name), re.M)]
