"""The SQL projection of the documents: tables for listing, filtering and search, rebuilt from
the documents alone. Services call `project(session, content)` after each committed change;
pages call the queries, which return msgspec Structs."""

from __future__ import annotations

from .directory import (
    display_names,
    list_discussions,
    list_organisations,
    list_people,
    my_discussions,
    my_organisations,
)
from .listing import (
    list_initiatives,
    my_initiatives,
    my_tasks,
    neighbourhood_facets,
    tag_facets,
    village_facets,
)
from .matching import who_has_what_we_need
from .project import project, remove
from .reindex import reindex
from .results import (
    Candidate,
    DiscussionSummary,
    Facet,
    InitiativeSummary,
    MyInitiative,
    MyTask,
    OrganisationSummary,
    Page,
    PersonSummary,
)
from .search import SearchHit, search
from .villages import village_names

__all__ = [
    "Candidate",
    "DiscussionSummary",
    "Facet",
    "InitiativeSummary",
    "MyInitiative",
    "MyTask",
    "OrganisationSummary",
    "Page",
    "PersonSummary",
    "SearchHit",
    "display_names",
    "list_discussions",
    "list_initiatives",
    "list_organisations",
    "list_people",
    "my_discussions",
    "my_initiatives",
    "my_organisations",
    "my_tasks",
    "neighbourhood_facets",
    "project",
    "reindex",
    "remove",
    "search",
    "tag_facets",
    "village_facets",
    "village_names",
    "who_has_what_we_need",
]
