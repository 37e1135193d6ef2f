"""Impact made visible (docs/dialogue.md, Impact): the node's page and each initiative's, with
charts and tables, and the same figures as open data (CSV, JSON). Initiators report the figures
only they know (people reached, money raised) on their initiative's impact page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from node.acting import Acting
from node.errors import Invalid
from node.impact import opendata
from node.impact.figures import InitiativeImpact, initiative_impact, node_impact
from node.impact.reporting import ReportForm, report_figures
from node.initiatives.rights import EDITORS
from node.initiatives.views import get_initiative
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, see_other

InitiativeId = FromPath[str]
CSV = "text/csv; charset=utf-8"
OPEN = {"access-control-allow-origin": "*"}
"""Open data: any site may fetch it."""


async def _may_report(node: Node, acting: Acting | None, initiative_id: str) -> bool:
    if acting is None:
        return False
    initiative = await get_initiative(node, initiative_id)
    return initiative.role_of(acting.person_id) in EDITORS


def _form_of(impact: InitiativeImpact) -> ReportForm:
    f = impact.figures
    raised = f.money_raised_cents
    return ReportForm(
        people_reached="" if f.people_reached is None else str(f.people_reached),
        money_raised="" if raised is None else f"{raised // 100},{raised % 100:02d}",
    )


async def _initiative_page(
    node: Node,
    db: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    *,
    form: ReportForm | None = None,
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    impact = await initiative_impact(db, initiative_id)
    context = {
        "impact": impact,
        "acting": acting,
        "can_report": await _may_report(node, acting, initiative_id),
        "form": form or _form_of(impact),
        "errors": errors or {},
    }
    return Template("impact/initiative.html", context=context, status_code=status_code)


@get("/impact", include_in_schema=False)
async def node_page(node: NodeDep, db: Db, acting: ActingDep) -> Template:
    impact = await node_impact(db, node.identity.node_id, node.identity.name)
    ally_bars = [(i.title, i.figures.allies) for i in impact.per_initiative[:10]]
    return Template(
        "impact/node.html", context={"impact": impact, "ally_bars": ally_bars, "acting": acting}
    )


@get("/impact.json", include_in_schema=False)
async def node_json(node: NodeDep, db: Db) -> Response[dict[str, Any]]:
    impact = await node_impact(db, node.identity.node_id, node.identity.name)
    return Response(opendata.node_json(impact, node.clock()), headers=OPEN)


@get("/impact.csv", include_in_schema=False)
async def node_csv(node: NodeDep, db: Db) -> Response[str]:
    impact = await node_impact(db, node.identity.node_id, node.identity.name)
    return Response(
        opendata.node_csv(impact),
        media_type=CSV,
        headers={**OPEN, "content-disposition": 'attachment; filename="impact.csv"'},
    )


@get("/initiatieven/{initiative_id:str}/impact", include_in_schema=False)
async def initiative_page(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: InitiativeId
) -> Template:
    return await _initiative_page(node, db, acting, initiative_id)


@post("/initiatieven/{initiative_id:str}/impact", include_in_schema=False)
async def report(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[ReportForm, FORM],
) -> Template | Redirect:
    try:
        await report_figures(node, db, acting, initiative_id, data)
    except Invalid as exc:
        await db.rollback()
        return await _initiative_page(
            node, db, acting, initiative_id, form=data, errors={exc.field: exc.phrase},
            status_code=400,
        )  # fmt: skip
    return see_other(f"/initiatieven/{initiative_id}/impact")


@get("/initiatieven/{initiative_id:str}/impact.json", include_in_schema=False)
async def initiative_json(
    node: NodeDep, db: Db, initiative_id: InitiativeId
) -> Response[dict[str, Any]]:
    impact = await initiative_impact(db, initiative_id)
    return Response(opendata.initiative_json(impact, node.clock()), headers=OPEN)


@get("/initiatieven/{initiative_id:str}/impact.csv", include_in_schema=False)
async def initiative_csv(db: Db, initiative_id: InitiativeId) -> Response[str]:
    impact = await initiative_impact(db, initiative_id)
    return Response(
        opendata.initiative_csv(impact),
        media_type=CSV,
        headers={**OPEN, "content-disposition": 'attachment; filename="impact.csv"'},
    )


ROUTES = [node_page, node_json, node_csv, initiative_page, report, initiative_json, initiative_csv]
