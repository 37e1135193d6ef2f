"""People: public profiles (display name, place, skills, offers). Email and password never enter a
profile; they stay in node.accounts."""

from .forms import ProfileForm
from .service import create_profile, edit_profile
from .views import UNKNOWN_PERSON, PersonView, display_names, get_person

__all__ = [
    "UNKNOWN_PERSON",
    "PersonView",
    "ProfileForm",
    "create_profile",
    "display_names",
    "edit_profile",
    "get_person",
]
