"""What a person fills in about themselves (request bodies for web/ as well)."""

from __future__ import annotations

import msgspec


class ProfileForm(msgspec.Struct, kw_only=True):
    """A public profile: shown to everyone on every node that holds it, so nothing private.

    skills: separated by commas or line breaks ("fietsen maken, koken");
    offers: one per line ("Ik kan op dinsdag koken voor de buurt").
    in_alliance_directory: "on" shows one's name and skills in the skills directory of the
    alliances this node is a member of (docs/dialogue.md, Alliance); off unless chosen.
    """

    display_name: str
    village: str = ""
    neighbourhood: str = ""
    skills: list[str] | str = ""
    offers: list[str] | str = ""
    about: str = ""
    in_alliance_directory: str | bool = ""
