"""The fixed words documents use (the enums of `schemas/*.v1.json`), defined once: the services
accept exactly these, and the projection's filters offer exactly these."""

from __future__ import annotations

STATUSES = ("idea", "looking_for_allies", "active", "done", "paused")
"""An initiative's status."""
NEED_KINDS = ("skills", "hands", "materials", "room", "money")
"""What kind of help a need asks for."""
ORGANISATION_KINDS = (
    "municipality",
    "broadcaster",
    "association",
    "social_organisation",
    "shop",
    "other",
)
