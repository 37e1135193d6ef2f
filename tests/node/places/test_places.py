"""Places, rooms and bookings: every rule of docs/practices.md §2 through the domain services,
including two requests for the same slot written on two nodes while apart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.places import (
    BookingForm,
    DeclineForm,
    HostForm,
    PlaceForm,
    RoomForm,
    add_host,
    cancel_booking,
    confirm_booking,
    decline_booking,
    edit_place,
    get_place,
    open_place,
    request_booking,
    room_week,
    save_room,
)
from node.projection.places import list_places, places_booked_by
from tests.clock import Clock
from tests.node.residents import Town, carry, open_town

NOW = datetime(2031, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock(town: Town) -> Clock:
    return Clock(town.node, NOW)


def buurthuis(**fields: object) -> PlaceForm:
    values: dict[str, object] = {
        "name": "Buurthuis De Brug",
        "kind": "community_centre",
        "about": "Het huis van de wijk.",
        "address": "Kerkstraat 12",
        "village": "Wezep",
        "neighbourhood": "Centrum",
        "opening_hours": "ma-vr 9-22 uur",
        "step_free": "on",
        "hearing_loop": True,
        "accessibility_note": "Lift naar de eerste verdieping.",
        "facilities": "koffie, wifi",
    }
    values.update(fields)
    return PlaceForm(**values)  # type: ignore[arg-type]


def slot(
    room: str, start: str = "2031-03-05T19:00", end: str = "2031-03-05T21:00", **kw: object
) -> BookingForm:
    values: dict[str, object] = {"purpose": "Buurtvergadering", "people": 12}
    values.update(kw)
    return BookingForm(room=room, start=start, end=end, **values)  # type: ignore[arg-type]


class World:
    """A community centre kept by Henk with one room for 30; Amira and Jonas book."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.henk = town.resident("Henk")
        self.amira = town.resident("Amira")
        self.jonas = town.resident("Jonas")
        self.place = town.act(open_place, self.henk, buurthuis())
        self.room = town.act(
            save_room,
            self.henk,
            self.place,
            RoomForm(
                name="Grote zaal",
                capacity="30",
                conditions="Laat het netjes achter.",
                facilities="beamer",
            ),
        )

    def book(self, who: Acting, **kw: object) -> str:
        return str(self.town.act(request_booking, who, self.place, slot(self.room, **kw)))

    def view(self):  # type: ignore[no-untyped-def]
        return self.town.read(get_place, self.place)


@pytest.fixture
def world(town: Town, clock: Clock) -> World:
    return World(town)


def test_a_place_opens_with_its_details_and_rooms(world: World, town: Town) -> None:
    place = world.view()
    assert place.name == "Buurthuis De Brug" and place.kind == "community_centre"
    assert place.accessibility.step_free and place.accessibility.hearing_loop
    assert not place.accessibility.accessible_toilet
    assert place.facilities == ["koffie", "wifi"]
    assert [h.person_id for h in place.hosts] == [world.henk.person_id]
    (room,) = place.rooms
    assert (room.name, room.capacity, room.facilities) == ("Grote zaal", 30, ["beamer"])
    listed = town.query(list_places)
    assert [p.id for p in listed.items] == [world.place]
    assert listed.items[0].max_capacity == 30 and listed.items[0].step_free
    assert town.query(list_places, people=31).items == []
    assert town.query(list_places, kind="garden").items == []


def test_only_hosts_edit_and_add_rooms_and_hosts(world: World, town: Town) -> None:
    town.unchanged(
        world.place,
        lambda: town.act(edit_place, world.amira, world.place, buurthuis(name="Van mij")),
        PermissionDenied,
    )
    town.unchanged(
        world.place,
        lambda: town.act(save_room, world.amira, world.place, RoomForm(name="x", capacity=3)),
        PermissionDenied,
    )
    town.act(add_host, world.henk, world.place, HostForm(person=world.amira.person_id))
    town.act(edit_place, world.amira, world.place, buurthuis(name="De Brug", step_free=False))
    place = world.view()
    assert place.name == "De Brug" and not place.accessibility.step_free
    assert place.is_host(world.amira.person_id)
    town.act(
        save_room, world.amira, world.place, RoomForm(name="Grote zaal", capacity=40), world.room
    )
    assert world.view().rooms[0].capacity == 40


def test_bad_place_and_room_input_is_refused(world: World, town: Town) -> None:
    with pytest.raises(Invalid) as raised:
        town.act(open_place, world.henk, buurthuis(kind="castle"))
    assert raised.value.field == "kind"
    with pytest.raises(Invalid):
        town.act(open_place, world.henk, buurthuis(name="  "))
    error = town.unchanged(
        world.place,
        lambda: town.act(save_room, world.henk, world.place, RoomForm(name="Kelder", capacity="0")),
        Invalid,
    )
    assert error.field == "capacity"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": "2031-03-05T18:00"}, "end"),  # before the start
        ({"end": "2031-03-13T19:00"}, "end"),  # longer than a week
        ({"start": "2031-02-28T19:00", "end": "2031-02-28T20:00"}, "start"),  # in the past
        ({"start": "morgen"}, "start"),
        ({"people": 31}, "people"),  # more than the room holds
        ({"purpose": ""}, "purpose"),
    ],
)
def test_a_booking_request_keeps_to_the_rules(
    world: World, town: Town, fields: dict[str, object], field: str
) -> None:
    error = town.unchanged(world.place, lambda: world.book(world.amira, **fields), Invalid)
    assert error.field == field  # type: ignore[attr-defined]


def test_a_booking_may_run_over_midnight_and_shows_on_both_days(world: World) -> None:
    world.book(world.amira, start="2031-03-07T20:00", end="2031-03-08T02:00")
    place = world.view()
    week = room_week(place, place.rooms[0], datetime(2031, 3, 5).date())
    busy = {day.day.isoformat(): len(day.busy) for day in week.days}
    assert busy["2031-03-07"] == 1 and busy["2031-03-08"] == 1 and busy["2031-03-06"] == 0
    assert week.monday.isoformat() == "2031-03-03"


def test_hosts_confirm_or_decline_and_requesters_cancel(world: World, town: Town) -> None:
    first = world.book(world.amira)
    town.unchanged(
        world.place,
        lambda: town.act(confirm_booking, world.amira, world.place, first),
        PermissionDenied,
    )
    town.act(confirm_booking, world.henk, world.place, first)
    (booking,) = world.view().bookings
    assert booking.state == "confirmed" and booking.decided_by is not None
    # the slot is taken now: a new request for it is refused where it is written
    error = town.unchanged(
        world.place, lambda: world.book(world.jonas, start="2031-03-05T20:00"), Invalid
    )
    assert "al geboekt" in str(error)
    later = world.book(world.jonas, start="2031-03-05T21:00", end="2031-03-05T22:00")
    with pytest.raises(Invalid):
        town.act(decline_booking, world.henk, world.place, later, DeclineForm(reason=" "))
    town.act(decline_booking, world.henk, world.place, later, DeclineForm(reason="Dan poetsen we."))
    declined = {b.id: b for b in world.view().bookings}[later]
    assert declined.state == "declined" and declined.reason == "Dan poetsen we."
    town.unchanged(
        world.place,
        lambda: town.act(cancel_booking, world.jonas, world.place, first),
        PermissionDenied,
    )
    town.act(cancel_booking, world.amira, world.place, first)
    assert {b.id: b.state for b in world.view().bookings}[first] == "cancelled"
    with pytest.raises(NotFound):
        town.act(confirm_booking, world.henk, world.place, "Onbekend1")


def test_overlapping_requests_wait_in_line_and_confirmed_wins(
    world: World, town: Town, clock: Clock
) -> None:
    amira = world.book(world.amira)
    clock.at = NOW + timedelta(minutes=5)
    jonas = world.book(world.jonas, start="2031-03-05T20:00", end="2031-03-05T22:00")
    seen = {b.id: b for b in world.view().bookings}
    assert [c.id for c in seen[amira].conflicts] == [jonas]
    assert [c.id for c in seen[jonas].conflicts] == [amira]
    assert seen[amira].first_in_line and not seen[jonas].first_in_line
    # the host may pick the later one; then it goes first and the other cannot be confirmed
    town.act(confirm_booking, world.henk, world.place, jonas)
    seen = {b.id: b for b in world.view().bookings}
    assert seen[jonas].first_in_line and not seen[amira].first_in_line
    assert not seen[amira].can_confirm
    error = town.unchanged(
        world.place, lambda: town.act(confirm_booking, world.henk, world.place, amira), Invalid
    )
    assert "botst" in str(error)
    town.act(decline_booking, world.henk, world.place, amira, DeclineForm(reason="Al bezet."))
    seen = {b.id: b for b in world.view().bookings}
    assert seen[jonas].conflicts == [] and seen[amira].state == "declined"


def test_requests_for_one_slot_made_apart_both_survive_the_merge(
    world: World, town: Town, tmp_path: Path, clock: Clock
) -> None:
    """Two nodes hold the place; each takes a request for the same slot while apart; after they
    meet both requests are there on both, marked as a conflict, the earlier request first in
    line; the host confirms it and the other is shown as blocked until declined."""
    other = Town(open_town(tmp_path / "other"))
    try:
        other.node.clock = clock.now
        carry(town, other, world.place)
        far = other.resident("Bert")
        clock.at = NOW + timedelta(minutes=1)
        bert = str(other.act(request_booking, far, world.place, slot(world.room)))
        clock.at = NOW + timedelta(minutes=2)
        amira = world.book(world.amira, start="2031-03-05T20:00", end="2031-03-05T23:00")
        carry(other, town, world.place)
        carry(town, other, world.place)
        for side in (town, other):
            seen = {b.id: b for b in side.read(get_place, world.place).bookings}
            assert set(seen) == {bert, amira}
            assert seen[bert].first_in_line and not seen[amira].first_in_line
            assert [c.id for c in seen[amira].conflicts] == [bert]
            assert [c.id for c in seen[bert].conflicts] == [amira]
        assert town.query(places_booked_by, world.amira.person_id) == [world.place]
        assert town.query(places_booked_by, far.person_id) == [world.place]
    finally:
        asyncio.run(other.node.close())
    town.act(confirm_booking, world.henk, world.place, bert)
    seen = {b.id: b for b in world.view().bookings}
    assert seen[bert].state == "confirmed" and not seen[amira].can_confirm
    assert [c.state for c in seen[amira].conflicts] == ["confirmed"]


def test_two_confirmations_made_apart_are_both_shown_until_one_is_declined(
    world: World, town: Town, tmp_path: Path, clock: Clock
) -> None:
    first, second = world.book(world.amira), world.book(world.jonas, start="2031-03-05T20:30")
    other = Town(open_town(tmp_path / "other"))
    try:
        other.node.clock = clock.now
        carry(town, other, world.place)
        town.act(add_host, world.henk, world.place, HostForm(person=world.jonas.person_id))
        carry(town, other, world.place)
        town.act(confirm_booking, world.henk, world.place, first)
        jonas_there = Acting(world.jonas.person_id, world.jonas.actor, "Jonas")
        other.act(confirm_booking, jonas_there, world.place, second)
        carry(other, town, world.place)
    finally:
        asyncio.run(other.node.close())
    seen = {b.id: b for b in world.view().bookings}
    assert seen[first].double_confirmed and seen[second].double_confirmed
    town.act(decline_booking, world.henk, world.place, second, DeclineForm(reason="Dubbel."))
    seen = {b.id: b for b in world.view().bookings}
    assert not seen[first].double_confirmed and seen[first].conflicts == []
