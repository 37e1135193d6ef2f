"""The impact figures as open data (CSV and JSON): aggregates only. What goes out is chosen
field by field from the figures, never copied from documents, so no name, e-mail address,
person id or comment can slip in: initiatives appear by their id, title and phase, with counts
and sums. Published under CC0 1.0 (figures are facts; anyone may reuse them without asking)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from .figures import FIGURES, PHASES, Figures, InitiativeImpact, NodeImpact

LICENCE = {
    "name": "CC0 1.0 Universal",
    "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    "note": "Geaggregeerde cijfers zonder persoonsgegevens; vrij te hergebruiken.",
}
COLUMNS = ("scope", "id", "title", "status", *FIGURES, *(f"initiatives_{p}" for p in PHASES))


def _figures(figures: Figures) -> dict[str, int | None]:
    return {name: getattr(figures, name) for name in FIGURES}


def _initiative(impact: InitiativeImpact) -> dict[str, Any]:
    return {
        "id": impact.id,
        "title": impact.title,
        "status": impact.status,
        "figures": _figures(impact.figures),
    }


def initiative_json(impact: InitiativeImpact, at: datetime) -> dict[str, Any]:
    return {"licence": LICENCE, "generated_at": at.isoformat(), "initiative": _initiative(impact)}


def node_json(impact: NodeImpact, at: datetime) -> dict[str, Any]:
    return {
        "licence": LICENCE,
        "generated_at": at.isoformat(),
        "node": {
            "node_id": impact.node_id,
            "village": impact.village,
            "initiatives": impact.initiatives,
            "initiatives_by_phase": impact.by_phase,
            "figures": _figures(impact.figures),
        },
        "initiatives": [_initiative(i) for i in impact.per_initiative],
    }


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def _initiative_row(impact: InitiativeImpact) -> dict[str, Any]:
    return {
        "scope": "initiative",
        "id": impact.id,
        "title": _cell(impact.title),
        "status": impact.status,
        **_figures(impact.figures),
    }


def _cell(text: str) -> str:
    """A title as a spreadsheet cannot take it for a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def initiative_csv(impact: InitiativeImpact) -> str:
    return _csv([_initiative_row(impact)])


def node_csv(impact: NodeImpact) -> str:
    node_row = {
        "scope": "node",
        "id": impact.node_id,
        "title": _cell(impact.village),
        "status": "",
        **_figures(impact.figures),
        **{f"initiatives_{p}": n for p, n in impact.by_phase.items()},
    }
    return _csv([node_row, *(_initiative_row(i) for i in impact.per_initiative)])
