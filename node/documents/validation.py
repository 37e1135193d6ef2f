"""Validate documents against the JSON Schemas in schemas/ (loaded by path, never imported)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from ..errors import Invalid

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DOCUMENT_TYPES = ("initiative", "discussion", "person", "organisation")


@cache
def _validator(doc_type: str, version: int) -> Draft202012Validator:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        schema = json.loads(path.read_text())
        resource = Resource.from_contents(schema)
        resources.append((path.name, resource))
        resources.append((schema["$id"], resource))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / f"{doc_type}.v{version}.json").read_text())
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


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


def validate_document(content: dict[str, Any]) -> None:
    """Raise Invalid naming the first field that breaks the document's schema."""
    doc_type = content.get("type")
    version = content.get("schema_version")
    if doc_type not in DOCUMENT_TYPES or not isinstance(version, int):
        raise Invalid("type", f"onbekend documenttype {doc_type!r}")
    try:
        validator = _validator(doc_type, version)
    except FileNotFoundError:
        raise Invalid("schema_version", f"geen schema voor {doc_type} versie {version}") from None
    errors = sorted(validator.iter_errors(json_ready(content)), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        field = ".".join(str(p) for p in error.path) or doc_type
        raise Invalid(field, error.message)
