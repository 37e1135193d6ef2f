"""Places and their rooms ("zalenzoeker"): community centres, Open Huizen, give boxes, repair
cafés and gardens with their details, rooms, and booking requests that hosts confirm or decline;
conflicts between requests written apart are judged where read (docs/practices.md §2)."""

from .forms import BookingForm, DeclineForm, HostForm, PlaceForm, RoomForm
from .service import (
    add_host,
    cancel_booking,
    confirm_booking,
    decline_booking,
    edit_place,
    open_place,
    request_booking,
    save_room,
)
from .views import BookingView, PlaceView, RoomView, RoomWeek, get_place, room_week

__all__ = [
    "BookingForm",
    "BookingView",
    "DeclineForm",
    "HostForm",
    "PlaceForm",
    "PlaceView",
    "RoomForm",
    "RoomView",
    "RoomWeek",
    "add_host",
    "cancel_booking",
    "confirm_booking",
    "decline_booking",
    "edit_place",
    "get_place",
    "open_place",
    "request_booking",
    "room_week",
    "save_room",
]
