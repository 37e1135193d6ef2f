"""Discussions: the village's current topics and initiatives' threads, comments and replies."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from node import accounts, projection
from node.acting import Acting
from node.discussions import service
from node.discussions.forms import CommentForm, DiscussionForm, ThreadForm
from node.discussions.pages import comment_page, page_of, parse_page_number
from node.discussions.views import get_discussion
from node.errors import Invalid, NotFound
from node.phrases import N_, Phrase
from node.projection import directory
from node.projection.polls import polls_about
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, login_first, refused, see_other, wants_partial, with_action_key

DiscussionId = FromPath[str]
FORM_PAGE = "discussions/form.html"


@get("/gesprekken", name="discussions", include_in_schema=False)
async def discussions_page(
    db: Db, acting: ActingDep, zoek: FromQuery[str] = "", pagina: FromQuery[int] = 1
) -> Template:
    errors: dict[str, Phrase] = {}
    try:
        results = await directory.list_discussions(db, query=zoek or None, page=pagina)
    except Invalid as exc:
        errors[exc.field] = exc.phrase
        results = await directory.list_discussions(db)
    context = {"results": results, "zoek": zoek, "errors": errors, "acting": acting}
    return Template("discussions/list.html", context=context)


async def discussion_context(
    node: Node,
    db: AsyncSession,
    acting: Acting | None,
    discussion_id: str,
    *,
    page: int = 1,
    show: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The discussion page with one page of its comments (`show`: the page that holds that
    comment). Hidden by a moderator: the whole topic is gone for everyone but its starter and
    the moderators; a hidden comment shows as a placeholder to everyone else."""
    discussion = await get_discussion(node, discussion_id)
    if show is not None:
        page = page_of(discussion.comments, show)
    hidden = await accounts.hidden_items(db, discussion.id)
    privileged = acting is not None and (
        acting.moderates or acting.person_id == discussion.created_by
    )
    if None in hidden and not privileged:
        raise NotFound(N_("gesprek"))
    context: dict[str, Any] = {
        "discussion": discussion,
        "acting": acting,
        "local": discussion.origin_node == node.identity.node_id,
        "home_village": (await projection.village_names(db)).get(discussion.origin_node),
        "hidden_doc": None in hidden,
        "hidden_items": {item for item in hidden if item},
        "reply_to": "",
        "comment_form": None,
        "comment_errors": {},
        "polls": await polls_about(db, discussion.id, node.clock()),
        "about": discussion.id,
        "comment_page": comment_page(discussion.comments, page),
    }
    context.update(extra)
    return context


@get("/gesprekken/{discussion_id:str}", name="discussion", include_in_schema=False)
async def discussion_page(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    discussion_id: DiscussionId,
    pagina: FromQuery[str] = "",
) -> Template:
    page = parse_page_number(pagina)
    context = await discussion_context(node, db, acting, discussion_id, page=page)
    if wants_partial(request) and request.htmx.target == "reacties":
        return Template("discussions/_comments.html", context=context)  # paging with htmx
    return Template("discussions/detail.html", context=context)


@post("/gesprekken/{discussion_id:str}/reacties", include_in_schema=False)
async def post_comment(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    discussion_id: DiscussionId,
    data: Annotated[CommentForm, FORM],
) -> Response[Any]:
    try:
        form = with_action_key(request, data)
        new_id = await service.comment(node, db, acting, discussion_id, form)
    except Invalid as exc:
        await db.rollback()
        extra = {
            "comment_form": data,
            "comment_errors": {exc.field: exc.phrase},
            "reply_to": data.reply_to,
        }
        show = data.reply_to or None  # the form stays where it was typed
        context = await discussion_context(node, db, acting, discussion_id, show=show, **extra)
        name = "discussions/_comments.html" if wants_partial(request) else "discussions/detail.html"
        return Template(name, context=context, status_code=400)
    if wants_partial(request):
        context = await discussion_context(node, db, acting, discussion_id, show=new_id)
        return Template("discussions/_comments.html", context=context)
    discussion = await get_discussion(node, discussion_id)
    page = page_of(discussion.comments, new_id)
    return see_other(f"/gesprekken/{discussion_id}{_page_query(page)}#reactie-{new_id}")


def _page_query(page: int) -> str:
    return f"?pagina={page}" if page > 1 else ""


@get("/gesprekken/nieuw", include_in_schema=False)
async def new_discussion_page(request: HTMXRequest, acting: ActingDep) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page(FORM_PAGE, DiscussionForm(title=""), action="/gesprekken", editing=False)


@post("/gesprekken", include_in_schema=False)
async def start_discussion(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    data: Annotated[DiscussionForm, FORM],
) -> Template | Redirect:
    try:
        new_id = await service.start_discussion(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(FORM_PAGE, data, exc, action="/gesprekken", editing=False)
    return see_other(f"/gesprekken/{new_id}")


@get("/gesprekken/{discussion_id:str}/bewerken", include_in_schema=False)
async def edit_discussion_page(
    request: HTMXRequest,
    node: NodeDep,
    acting: ActingDep,
    discussion_id: DiscussionId,
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    view = await get_discussion(node, discussion_id)
    form = DiscussionForm(
        title=view.title,
        intro=view.intro,
        village=view.village,
        neighbourhood=view.neighbourhood,
        tags=", ".join(view.tags),
        version=view.version,
    )
    return form_page(FORM_PAGE, form, action=f"/gesprekken/{view.id}/bewerken", editing=True)


@post("/gesprekken/{discussion_id:str}/bewerken", include_in_schema=False)
async def edit_discussion(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    discussion_id: DiscussionId,
    data: Annotated[DiscussionForm, FORM],
) -> Template | Redirect:
    try:
        await service.edit_discussion(node, db, acting, discussion_id, data)
    except Invalid as exc:
        await db.rollback()
        action = f"/gesprekken/{discussion_id}/bewerken"
        return refused(FORM_PAGE, data, exc, action=action, editing=True)
    return see_other(f"/gesprekken/{discussion_id}")


@post("/initiatieven/{initiative_id:str}/gesprek", include_in_schema=False)
async def start_thread(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: FromPath[str],
) -> Redirect:
    new_id = await service.start_thread(node, db, acting, initiative_id, ThreadForm())
    return see_other(f"/gesprekken/{new_id}")


ROUTES = [
    discussions_page,
    new_discussion_page,
    start_discussion,
    discussion_page,
    post_comment,
    edit_discussion_page,
    edit_discussion,
    start_thread,
]
