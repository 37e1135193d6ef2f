"""Putting an initiative on the agenda, editing its core fields, moving it along its path."""

from __future__ import annotations

from functools import partial

import pytest

from node.errors import Invalid, NotFound, PermissionDenied
from node.initiatives import (
    InitiativeForm,
    JoinForm,
    NewInitiative,
    change_status,
    edit_initiative,
    get_initiative,
    join_initiative,
    make_coordinator,
    post_initiative,
    support_initiative,
)
from node.projection import list_initiatives
from sync.automerge import ROOT, Document, ObjType
from tests.node.residents import UNKNOWN_ID, Town


def form_of(town: Town, initiative: str, **changes: object) -> InitiativeForm:
    """The edit form as a page renders it for the current version, with some fields changed."""
    view = town.read(get_initiative, initiative)
    fields = {
        "title": view.title,
        "summary": view.summary,
        "description": view.description,
        "village": view.village,
        "neighbourhood": view.neighbourhood,
        "tags": view.tags,
        "version": view.version,
        **changes,
    }
    return InitiativeForm(**fields)


def test_the_poster_becomes_the_initiator_of_a_new_idea(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.act(
        post_initiative,
        anna,
        NewInitiative(
            title="  Buurtmoestuin 't Loo ",
            summary="Samen groenten kweken",
            description="Op het braakliggende stuk naast de sporthal.",
            village="Oldebroek",
            neighbourhood="'t Loo",
            tags="Moestuin, #groen, moestuin",
        ),
    )
    view = town.read(get_initiative, initiative)
    assert view.title == "Buurtmoestuin 't Loo"
    assert view.status == "idea"
    assert (view.village, view.neighbourhood) == ("Oldebroek", "'t Loo")
    assert view.tags == ["moestuin", "groen"]
    assert [(a.person_id, a.role, a.display_name) for a in view.allies] == [
        (anna.person_id, "initiator", "Anna")
    ]
    assert view.created_by == anna.person_id
    assert view.can_edit(anna.person_id)


def test_posting_is_one_change_with_a_dutch_message_written_by_the_poster(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    changes = town.changes(initiative)
    assert [c.message for c in changes] == ["Initiatief geplaatst"]
    assert changes[0].actor == anna.actor
    assert town.content(initiative)["contributors"] == {anna.actor.hex(): anna.person_id}


def test_a_posted_initiative_is_listed_through_the_projection(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna, "Weggeefkast bij de bibliotheek")
    page = town.query(list_initiatives)
    assert [(row.id, row.title) for row in page.items] == [
        (initiative, "Weggeefkast bij de bibliotheek")
    ]


def test_an_initiative_can_start_out_looking_for_allies_but_not_further(town: Town) -> None:
    anna = town.resident("Anna")
    looking = town.initiative(anna, status="looking_for_allies")
    assert town.content(looking)["status"] == "looking_for_allies"
    before = town.document_count()
    with pytest.raises(Invalid) as refused:
        town.initiative(anna, status="done")
    assert refused.value.field == "status"
    assert town.document_count() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Goed", "summary": "x" * 2001}, "summary"),
        ({"title": "Goed", "village": "x" * 101}, "village"),
        ({"title": "Goed", "tags": [f"tag{i}" for i in range(21)]}, "tags"),
        ({"title": "Goed", "description": "x" * 100_001}, "description"),
    ],
)
def test_a_bad_initiative_is_refused_and_nothing_is_stored(
    town: Town, fields: dict[str, object], field: str
) -> None:
    anna = town.resident("Anna")
    before = town.document_count()
    with pytest.raises(Invalid) as refused:
        town.act(post_initiative, anna, NewInitiative(**fields))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert town.document_count() == before


def test_too_long_a_title_is_explained_in_dutch(town: Town) -> None:
    anna = town.resident("Anna")
    with pytest.raises(Invalid) as refused:
        town.act(post_initiative, anna, NewInitiative(title="x" * 201))
    assert refused.value.message == "De titel mag hoogstens 200 tekens lang zijn (nu 201)."


def test_nobody_posts_without_logging_in(town: Town) -> None:
    with pytest.raises(PermissionDenied):
        town.act(post_initiative, None, NewInitiative(title="Straatfeest"))
    assert town.document_count() == 0


def test_a_hostile_title_is_stored_as_the_characters_typed(town: Town) -> None:
    anna = town.resident("Anna")
    hostile = '<script>alert("hoi")</script> & <b>vet</b>'
    initiative = town.initiative(anna, hostile, description="<img src=x onerror=alert(1)>")
    view = town.read(get_initiative, initiative)
    assert view.title == hostile
    assert view.description == "<img src=x onerror=alert(1)>"


def test_control_characters_are_dropped_and_line_breaks_in_a_title_become_spaces(
    town: Town,
) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(
        anna, "Repair\r\nCafé\x00 Wezep", description="Eerste regel\r\nTweede\x07 regel"
    )
    view = town.read(get_initiative, initiative)
    assert view.title == "Repair Café Wezep"
    assert view.description == "Eerste regel\nTweede regel"


def test_posting_for_an_organisation_needs_membership(town: Town) -> None:
    from node.organisations import OrganisationForm, create_organisation

    bram, anna = town.resident("Bram"), town.resident("Anna")
    gemeente = town.act(
        create_organisation, bram, OrganisationForm(name="Gemeente Oldebroek", kind="municipality")
    )
    with pytest.raises(PermissionDenied):
        town.initiative(anna, organisation=gemeente)
    initiative = town.initiative(bram, "Bankjes langs het fietspad", organisation=gemeente)
    ally = town.read(get_initiative, initiative).allies[0]
    assert (ally.organisation, ally.organisation_name) == (gemeente, "Gemeente Oldebroek")


def test_initiators_edit_the_core_fields(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna, tags="repair")
    town.act(
        edit_initiative,
        anna,
        initiative,
        form_of(
            town,
            initiative,
            title="Repair Café Wezep en Oldebroek",
            summary="Elke maand",
            village="Oldebroek",
            neighbourhood="Centrum",
            tags="repair, duurzaam",
        ),
    )
    view = town.read(get_initiative, initiative)
    assert view.title == "Repair Café Wezep en Oldebroek"
    assert view.summary == "Elke maand"
    assert (view.village, view.neighbourhood) == ("Oldebroek", "Centrum")
    assert view.tags == ["repair", "duurzaam"]
    assert town.changes(initiative)[-1].message == "Initiatief bijgewerkt"


def test_saving_an_unchanged_form_writes_no_change(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    before = town.stored(initiative)
    town.act(edit_initiative, anna, initiative, form_of(town, initiative))
    assert town.stored(initiative) == before


def test_a_coordinator_edits_like_an_initiator(town: Town) -> None:
    anna, henk = town.resident("Anna"), town.resident("Henk")
    initiative = town.initiative(anna)
    town.act(join_initiative, henk, initiative, JoinForm(offer="Ik help mee"))
    town.act(make_coordinator, anna, initiative, henk.person_id)
    town.act(edit_initiative, henk, initiative, form_of(town, initiative, summary="Door Henk"))
    assert town.read(get_initiative, initiative).summary == "Door Henk"


@pytest.mark.parametrize("role", ["stranger", "supporter", "joiner"])
def test_only_initiators_and_coordinators_edit_the_core_fields(town: Town, role: str) -> None:
    anna, other = town.resident("Anna"), town.resident("Piet")
    initiative = town.initiative(anna)
    if role == "supporter":
        town.act(support_initiative, other, initiative)
    elif role == "joiner":
        town.act(join_initiative, other, initiative, JoinForm())
    form = form_of(town, initiative, title="Overgenomen")
    denied = town.unchanged(
        initiative, lambda: town.act(edit_initiative, other, initiative, form), PermissionDenied
    )
    assert "initiatiefnemers en coördinatoren" in str(denied)


def test_an_invalid_edit_changes_nothing(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    for bad in (
        {"title": ""},
        {"summary": "x" * 2001},
        {"village": "x" * 101},
        {"tags": [f"t{i}" for i in range(21)]},
        {"tags": ["x" * 41]},
        {"description": "\ud800"},
        {"version": "not-a-version"},
        {"version": "ab" * 32},
    ):
        form = form_of(town, initiative, **bad)
        town.unchanged(
            initiative, partial(town.act, edit_initiative, anna, initiative, form), Invalid
        )


@pytest.mark.parametrize("initiative", ["", "../../etc/passwd", UNKNOWN_ID])
def test_unknown_or_malformed_initiative_ids_are_not_found(town: Town, initiative: str) -> None:
    anna = town.resident("Anna")
    with pytest.raises(NotFound):
        town.act(edit_initiative, anna, initiative, InitiativeForm(title="Iets"))
    with pytest.raises(NotFound):
        town.read(get_initiative, initiative)


def test_a_profile_id_is_not_an_initiative(town: Town) -> None:
    anna = town.resident("Anna")
    with pytest.raises(NotFound):
        town.read(get_initiative, anna.person_id)
    with pytest.raises(NotFound):
        town.act(change_status, anna, anna.person_id, "active")


def test_two_people_editing_the_description_at_once_both_keep_their_edits(town: Town) -> None:
    anna, henk = town.resident("Anna"), town.resident("Henk")
    initiative = town.initiative(anna, description="We repareren samen spullen.")
    town.act(join_initiative, henk, initiative, JoinForm())
    town.act(make_coordinator, anna, initiative, henk.person_id)
    opened = town.read(get_initiative, initiative)  # both open the edit form now

    def form(description: str) -> InitiativeForm:
        return InitiativeForm(
            title=opened.title,
            village=opened.village,
            tags=opened.tags,
            description=description,
            version=opened.version,
        )

    town.act(edit_initiative, anna, initiative, form("Elke maand repareren we samen spullen."))
    town.act(edit_initiative, henk, initiative, form("We repareren samen spullen en fietsen."))
    description = town.read(get_initiative, initiative).description
    assert description == "Elke maand repareren we samen spullen en fietsen."


def test_a_field_left_alone_in_an_old_form_does_not_undo_someone_elses_newer_edit(
    town: Town,
) -> None:
    anna, henk = town.resident("Anna"), town.resident("Henk")
    initiative = town.initiative(anna, summary="Oud")
    town.act(join_initiative, henk, initiative, JoinForm())
    town.act(make_coordinator, anna, initiative, henk.person_id)
    stale = form_of(town, initiative)
    town.act(edit_initiative, henk, initiative, form_of(town, initiative, summary="Nieuw"))
    stale.description = "Een langere beschrijving."
    town.act(edit_initiative, anna, initiative, stale)
    view = town.read(get_initiative, initiative)
    assert (view.summary, view.description) == ("Nieuw", "Een langere beschrijving.")


def test_one_person_saving_from_two_tabs_keeps_a_valid_document(town: Town) -> None:
    anna, henk = town.resident("Anna"), town.resident("Henk")
    initiative = town.initiative(anna, description="Samen repareren.")
    town.act(join_initiative, henk, initiative, JoinForm())
    town.act(make_coordinator, anna, initiative, henk.person_id)
    first_tab = form_of(town, initiative)
    second_tab = form_of(town, initiative)
    first_tab.summary = "Uit het eerste tabblad"
    town.act(edit_initiative, anna, initiative, first_tab)
    town.act(edit_initiative, henk, initiative, form_of(town, initiative, title="Repair Café"))
    second_tab.description = "Samen repareren, elke maand."
    town.act(edit_initiative, anna, initiative, second_tab)
    view = town.read(get_initiative, initiative)
    assert view.title == "Repair Café"  # Henk's edit merged
    assert view.description == "Samen repareren, elke maand."
    assert view.summary == ""  # her own later save wins over her earlier one
    own = [c.seq for c in town.changes(initiative) if c.actor == anna.actor]
    assert own == list(range(1, len(own) + 1))
    assert Document.load(town.stored(initiative)).to_py() == town.content(initiative)


def test_a_description_a_peer_wrote_as_plain_text_can_still_be_edited(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    town.node.documents.change(
        initiative, anna.author, "van een peer", lambda tx, _d: tx.put(ROOT, "description", "Plat")
    )
    town.act(edit_initiative, anna, initiative, form_of(town, initiative, description="Rijk"))
    assert town.read(get_initiative, initiative).description == "Rijk"
    doc = town.node.documents.open(initiative)
    assert doc.object_type(doc.get(ROOT, "description")) == ObjType.TEXT


def test_an_initiative_walks_its_path_and_can_pause_and_reopen(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    for status in ("looking_for_allies", "active", "paused", "active", "done", "active"):
        town.act(change_status, anna, initiative, status)
        assert town.content(initiative)["status"] == status
    assert [c.message for c in town.changes(initiative)[1:]] == [
        "Status: op zoek naar medestanders",
        "Status: aan de slag",
        "Status: gepauzeerd",
        "Status: aan de slag",
        "Status: afgerond",
        "Status: aan de slag",
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [((), "done"), (("looking_for_allies", "active", "done"), "paused"), ((), "finished")],
)
def test_status_jumps_off_the_path_are_refused(
    town: Town, path: tuple[str, ...], refused: str
) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    for status in path:
        town.act(change_status, anna, initiative, status)
    error = town.unchanged(
        initiative, lambda: town.act(change_status, anna, initiative, refused), Invalid
    )
    assert isinstance(error, Invalid) and error.field == "status"


def test_only_initiators_and_coordinators_change_the_status(town: Town) -> None:
    anna, henk = town.resident("Anna"), town.resident("Henk")
    initiative = town.initiative(anna)
    town.act(join_initiative, henk, initiative, JoinForm())
    town.unchanged(
        initiative, lambda: town.act(change_status, henk, initiative, "active"), PermissionDenied
    )
