"""Nodes as subprocesses; every one started in a test is stopped (killed if need be) after it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .nodes import RunningNode


@pytest.fixture
def make_node(tmp_path: Path) -> Iterator[Callable[[str], RunningNode]]:
    made: list[RunningNode] = []

    def make(name: str) -> RunningNode:
        node = RunningNode(tmp_path, name)
        made.append(node)
        return node

    try:
        yield make
    finally:
        for node in made:
            node.close()
