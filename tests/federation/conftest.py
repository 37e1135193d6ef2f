"""Nodes as subprocesses; every one started in a test is stopped (killed if need be) after it.
When a test fails, the end of each node's log is added to its report: a federation failure in CI
is otherwise a timeout with no clue to which node held what."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .nodes import RunningNode

LOG_TAIL = 120
"""Lines of each node's log shown with a failed test."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[Any]:
    outcome = yield
    report = outcome.get_result()
    nodes: list[RunningNode] = getattr(item, "mekaar_nodes", [])
    if report.when != "call" or not report.failed or not nodes:
        return
    for node in nodes:
        try:
            lines = node.log.read_text(errors="replace").splitlines()[-LOG_TAIL:]
        except OSError:
            continue
        title = f"log of node {node.name} (last {LOG_TAIL} lines)"
        report.sections.append((title, "\n".join(lines)))


@pytest.fixture
def make_node(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], RunningNode]]:
    made: list[RunningNode] = []
    request.node.mekaar_nodes = made

    def make(name: str) -> RunningNode:
        node = RunningNode(tmp_path, name)
        made.append(node)
        return node

    try:
        yield make
    finally:
        for node in made:
            node.close()
