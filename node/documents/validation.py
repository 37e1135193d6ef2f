"""Validate documents against the JSON Schemas in schemas/ (loaded by path, never imported)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from ..errors import Invalid
from ..phrases import N_

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DOCUMENT_TYPES = (
    "initiative",
    "discussion",
    "person",
    "organisation",
    "catalog",
    "grant_call",
    "job",
    "ledger",
    "poll",
    "place",
    "event",
    "alliance",
)


@cache
def _schema_file(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text())
    return schema


def _bundle(node: Any, file: str) -> Any:
    """`node` with every `$ref` replaced by what it points to, so validating does no reference
    lookups (they were most of a change's cost). Refs name a file in schemas/ and a JSON pointer
    (`common.v1.json#/$defs/tag`, or `#/$defs/tag` within the same file); a ref with keywords
    beside it becomes an `allOf`, which reports the same errors at the same paths."""
    if isinstance(node, list):
        return [_bundle(item, file) for item in node]
    if not isinstance(node, dict):
        return node
    bundled = {key: _bundle(value, file) for key, value in node.items() if key != "$ref"}
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return bundled
    target_file, _, pointer = ref.partition("#")
    target_file = target_file or file
    target: Any = _schema_file(target_file)
    for part in filter(None, pointer.split("/")):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    resolved = _bundle(target, target_file)
    return {"allOf": [resolved], **bundled} if bundled else resolved


@cache
def _validator(doc_type: str, version: int) -> Draft202012Validator:
    name = f"{doc_type}.v{version}.json"
    schema = _bundle(_schema_file(name), name)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _accepts(doc_type: str, version: int) -> Callable[[Any], bool]:
    """A quick yes from jsonschema-rs, for the documents that pass (nearly all of them): asking
    jsonschema took a node longer than anything else it does with a document from a peer. Any
    no, or a document it cannot take, is asked of jsonschema, whose answer and messages stand;
    formats are checked here, so this side is never the more lenient one."""
    schema = _validator(doc_type, version).schema
    try:
        quick = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    except Exception:  # a schema it cannot compile: jsonschema alone
        return lambda _content: False

    def accepts(content: Any) -> bool:
        try:
            return bool(quick.is_valid(content))
        except Exception:  # a value it cannot take
            return False

    return accepts


def json_ready(value: Any) -> Any:
    """to_py() output as the schemas see it: timestamps as ISO 8601 strings."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return value.hex()
    return value


ITEM_MAP = 50
"""Entries from which an id-keyed map of items (a thread's comments) is checked by what changed."""

_SCHEMA = "\0schema"  # no field name: the schema the memo's items were accepted under
ItemMemo = dict[str, dict[str, Any]]
"""Per item map of one document: the items (as checked) that its schema accepted."""


def validate_document(content: dict[str, Any], memo: ItemMemo | None = None) -> None:
    """Raise Invalid naming the first field that breaks the document's schema.

    With `memo` (kept per document by the caller), the items of a large id-keyed map that were
    accepted before, unchanged, are not checked again, and what is accepted now is remembered:
    a comment added to a thread of 5,000 checks one comment, not 5,000. Only maps whose schema
    judges each item on its own are treated so (`_per_item`): one that counts its entries
    (an alliance's members) is always checked whole."""
    doc_type = content.get("type")
    version = content.get("schema_version")
    if doc_type not in DOCUMENT_TYPES or not isinstance(version, int):
        raise Invalid("type", N_("onbekend documenttype %(type)s"), type=repr(doc_type))
    try:
        validator = _validator(doc_type, version)
    except FileNotFoundError:
        raise Invalid(
            "schema_version",
            N_("geen schema voor %(type)s versie %(version)s"),
            type=str(doc_type),
            version=str(version),
        ) from None
    ready = json_ready(content)
    if memo is not None and memo.get(_SCHEMA) != {"type": doc_type, "version": version}:
        memo.clear()  # accepted under another schema: judged again
    checked = ready if memo is None else _unseen(ready, memo)
    if _accepts(doc_type, version)(checked):
        errors = []
    else:
        errors = sorted(validator.iter_errors(checked), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        field = ".".join(str(p) for p in error.path) or doc_type
        raise Invalid(field, error.message)
    if memo is not None:
        memo.clear()
        memo.update(
            (key, value)
            for key, value in ready.items()
            if _is_item_map(value) and _per_item(validator.schema, key)
        )
        memo[_SCHEMA] = {"type": doc_type, "version": version}


WHOLE_MAP = frozenset(
    {"minProperties", "maxProperties", "unevaluatedProperties", "dependentSchemas",
     "dependentRequired", "allOf", "anyOf", "oneOf", "if", "not", "$ref"}
)  # fmt: skip
"""Keywords with which a map's schema may judge its entries together (or hide how it does)."""


def _per_item(schema: Any, key: str) -> bool:
    """Whether the schema judges the entries of the map at `key` each on its own, so that
    leaving accepted ones out cannot change the verdict."""
    found = schema.get("properties", {}).get(key) if isinstance(schema, dict) else None
    return isinstance(found, dict) and not WHOLE_MAP & found.keys()


def _is_item_map(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) >= ITEM_MAP
        and all(isinstance(item, dict) for item in value.values())
    )


def _unseen(ready: dict[str, Any], memo: ItemMemo) -> dict[str, Any]:
    """The document with the unchanged items of its large item maps left out."""
    checked = dict(ready)
    for key, value in ready.items():
        accepted = memo.get(key)
        if accepted and _is_item_map(value):
            checked[key] = {i: item for i, item in value.items() if accepted.get(i) != item}
    return checked


def problem_with(document_id: str, content: dict[str, Any]) -> str | None:
    """Why a stored document cannot be shown, or None when it can: it must be the document it
    says it is, and keep to its schema. Documents made here always do; one from a peer or an
    export may not (it is then kept in quarantine, and `reindex` leaves it out as well)."""
    if content.get("id") != document_id:
        return f"het document noemt zich {content.get('id')!r}, niet {document_id!r}"
    try:
        validate_document(content)
    except Invalid as exc:
        return f"{exc.field}: {exc.message}"
    return None
