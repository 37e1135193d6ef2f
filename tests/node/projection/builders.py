"""Small builders for documents of every type, written through the node's one write path
(node.documents.create) exactly as the schemas describe them, so the projection is tested on
real `to_py()` content rather than hand-made dicts."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from node.documents.repository import Author
from node.ids import new_item_id
from node.runtime import Node
from sync.automerge import ROOT, Document, ObjId, ObjType
from sync.automerge.transaction import Transaction

T0 = datetime.now(UTC).replace(microsecond=0)
"""Roughly when the documents are created; at(days) is that many days later."""


@dataclass(frozen=True)
class Text:
    """A value to write as an Automerge text (long texts several people edit)."""

    value: str


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def put(tx: Transaction, obj: ObjId | str, key: str | int, value: Any) -> None:
    """Write a plain Python value: dicts as maps, lists as lists, Text as text, others as is."""
    if isinstance(value, Mapping):
        child = tx.put_object(obj, key, ObjType.MAP)
        for k, v in value.items():
            put(tx, child, k, v)
    elif isinstance(value, list | tuple):
        child = tx.put_object(obj, key, ObjType.LIST)
        for i, v in enumerate(value):
            if isinstance(v, Mapping | list | tuple):
                raise NotImplementedError("nested objects in lists are not needed here")
            tx.insert(child, i, v)
    elif isinstance(value, Text):
        child = tx.put_object(obj, key, ObjType.TEXT)
        tx.splice_text(child, 0, 0, value.value)
    else:
        tx.put(obj, key, value)


def author(person_id: str) -> Author:
    return Author(person_id, os.urandom(16))


def _create(node: Node, doc_type: str, by: Author, fields: Mapping[str, Any]) -> str:
    def fill(tx: Transaction, _doc: Document) -> None:
        for key, value in fields.items():
            put(tx, ROOT, key, value)

    return node.documents.create(doc_type, by, f"{doc_type} aangemaakt", fill)


def person(
    node: Node,
    name: str,
    *,
    village: str = "Oldebroek",
    neighbourhood: str = "",
    skills: Sequence[str] = (),
    offers: Sequence[str] = (),
    about: str = "",
) -> str:
    """A profile document that names itself as creator, as registration writes it."""
    actor = os.urandom(16)
    place = {"village": village, **({"neighbourhood": neighbourhood} if neighbourhood else {})}

    def fill(tx: Transaction, _doc: Document) -> None:
        own = tx.get(ROOT, "id")
        tx.put(ROOT, "created_by", own)
        tx.put(tx.get(ROOT, "contributors"), actor.hex(), own)
        put(tx, ROOT, "display_name", name)
        put(tx, ROOT, "place", place)
        put(tx, ROOT, "skills", list(skills))
        put(tx, ROOT, "offers", list(offers))
        put(tx, ROOT, "about", about)

    return node.documents.create("person", Author("", actor), "Profiel aangemaakt", fill)


def need(
    kind: str,
    description: str,
    *,
    skill: str | None = None,
    fulfilled: bool = False,
    amount_cents: int | None = None,
    by: str,
    when: datetime = T0,
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "kind": kind,
        "description": description,
        "fulfilled": fulfilled,
        "created_at": when,
        "created_by": by,
    }
    if skill is not None:
        value["skill"] = skill
    if amount_cents is not None:
        value["amount_cents"] = amount_cents
    return value


def task(
    title: str,
    *,
    by: str,
    owner: str | None = None,
    status: str = "open",
    due: str | None = None,
    when: datetime = T0,
    done_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "title": title,
        "owner": owner,
        "status": status,
        "due": due,
        "created_at": when,
        "created_by": by,
        "done_at": done_at,
    }


def initiative(
    node: Node,
    by: str,
    title: str,
    *,
    summary: str = "",
    description: str = "",
    village: str = "Oldebroek",
    neighbourhood: str = "",
    tags: Sequence[str] = (),
    status: str = "looking_for_allies",
    needs: Sequence[dict[str, Any]] = (),
    allies: Mapping[str, str] | None = None,
    offers: Mapping[str, str] | None = None,
    tasks: Sequence[dict[str, Any]] = (),
    updates: Sequence[tuple[str, str, datetime]] = (),
    since: datetime = T0,
) -> str:
    """An initiative; `allies` maps person id to role (the creator is initiator by default)."""
    roles = {by: "initiator", **(allies or {})}
    fields = {
        "title": title,
        "summary": summary,
        "description": Text(description),
        "place": {
            "village": village,
            **({"neighbourhood": neighbourhood} if neighbourhood else {}),
        },
        "tags": list(tags),
        "status": status,
        "needs": {new_item_id(): n for n in needs},
        "allies": {
            pid: {
                "role": role,
                "since": since,
                **({"offer": offers[pid]} if offers and pid in offers else {}),
            }
            for pid, role in roles.items()
        },
        "plan": {"tasks": {new_item_id(): t for t in tasks}},
        "updates": {
            new_item_id(): {"title": t, "body": b, "at": when, "by": by} for t, b, when in updates
        },
    }
    return _create(node, "initiative", author(by), fields)


def discussion(
    node: Node,
    by: str,
    title: str,
    *,
    intro: str = "",
    initiative_id: str | None = None,
    village: str = "Oldebroek",
    neighbourhood: str = "",
    tags: Sequence[str] = (),
    comments: Sequence[tuple[str, str, datetime]] = (),
) -> str:
    fields = {
        "title": title,
        "intro": Text(intro),
        "initiative": initiative_id,
        "place": {
            "village": village,
            **({"neighbourhood": neighbourhood} if neighbourhood else {}),
        },
        "tags": list(tags),
        "comments": {
            new_item_id(): {"by": who, "at": when, "body": body, "reply_to": None}
            for who, body, when in comments
        },
    }
    return _create(node, "discussion", author(by), fields)


def organisation(
    node: Node,
    by: str,
    name: str,
    *,
    kind: str = "municipality",
    about: str = "",
    village: str = "Oldebroek",
    members: Mapping[str, str] | None = None,
) -> str:
    fields = {
        "name": name,
        "kind": kind,
        "about": Text(about),
        "place": {"village": village},
        "members": {
            pid: {"role": role, "since": T0}
            for pid, role in {by: "admin", **(members or {})}.items()
        },
    }
    return _create(node, "organisation", author(by), fields)
