"""The quick yes of jsonschema-rs and jsonschema's verdict: a document the quick check accepts is
one jsonschema accepts, on every demo document and on random damage to them, so that checking a
peer's documents faster never lets through what the schemas refuse."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.demo import fill_demo
from node.documents.validation import _accepts, _validator, json_ready, validate_document
from node.errors import Invalid
from node.identity import init_node
from node.runtime import Node
from node.settings import Settings


@pytest.fixture(scope="module")
def demo_documents(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    data: Path = tmp_path_factory.mktemp("demo")
    init_node(data, "Wezep")

    async def fill() -> list[dict[str, Any]]:
        node = await Node.open(Settings(data_dir=str(data)), null_pool=True)
        try:
            await fill_demo(node)
            return [node.documents.read(d) for d in sorted(node.documents.store.ids())]
        finally:
            await node.close()

    return asyncio.run(fill())


def verdicts(content: dict[str, Any]) -> tuple[bool, bool]:
    """(quick yes, jsonschema yes) for a document as validate_document sees it."""
    ready = json_ready(content)
    doc_type, version = ready["type"], ready["schema_version"]
    quick = _accepts(doc_type, version)(ready)
    full = not any(True for _ in _validator(doc_type, version).iter_errors(ready))
    return quick, full


def test_every_demo_document_passes_both(demo_documents: list[dict[str, Any]]) -> None:
    assert len({d["type"] for d in demo_documents}) >= 9
    for content in demo_documents:
        assert verdicts(content) == (True, True), content["type"]


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
        st.sampled_from(["", "2026-03-01T10:00:00Z", "2026-13-01T10:00:00Z", "a" * 300]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_damaged_documents_are_never_let_through_by_the_quick_check(
    demo_documents: list[dict[str, Any]], data: st.DataObject
) -> None:
    content = copy.deepcopy(data.draw(st.sampled_from(demo_documents)))
    kept = {("type",), ("schema_version",)}  # which schema judges it
    path = data.draw(st.sampled_from([p for p in _paths(content) if p and p not in kept]))
    *parents, last = path
    holder: Any = content
    for step in parents:
        holder = holder[step]
    how = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if how == "replace":
        holder[last] = data.draw(json_values)
    elif how == "delete" and isinstance(holder, dict):
        del holder[last]
    elif isinstance(holder, dict):
        holder[data.draw(st.sampled_from(["zz", "title", "id", "x"]))] = data.draw(json_values)
    quick, full = verdicts(content)
    assert full or not quick, f"the quick check let through {path}: {content}"


def test_a_refusal_still_names_the_field_as_jsonschema_does(
    demo_documents: list[dict[str, Any]],
) -> None:
    initiative = copy.deepcopy(next(d for d in demo_documents if d["type"] == "initiative"))
    initiative["title"] = 42
    with pytest.raises(Invalid) as refused:
        validate_document(initiative)
    assert refused.value.field == "title"
