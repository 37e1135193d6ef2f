"""Initiatives: put on the agenda → find allies → join → get to work. Each function is one user
action and one Automerge change; rights are checked here (rights.py), never in web/."""

from ..vocabulary import NEED_KINDS, STATUSES
from .allies import join_initiative, leave_initiative, make_coordinator, support_initiative
from .core import TRANSITIONS, change_status, edit_initiative, post_initiative
from .forms import (
    InitiativeForm,
    JoinForm,
    NeedForm,
    NewInitiative,
    TaskForm,
    UpdateForm,
)
from .needs import add_need, mark_need, remove_need
from .plan import add_task, complete_task, release_task, reopen_task, take_task
from .updates import post_update
from .views import AllyView, InitiativeView, NeedView, TaskView, UpdateView, get_initiative

__all__ = [
    "NEED_KINDS",
    "STATUSES",
    "TRANSITIONS",
    "AllyView",
    "InitiativeForm",
    "InitiativeView",
    "JoinForm",
    "NeedForm",
    "NeedView",
    "NewInitiative",
    "TaskForm",
    "TaskView",
    "UpdateForm",
    "UpdateView",
    "add_need",
    "add_task",
    "change_status",
    "complete_task",
    "edit_initiative",
    "get_initiative",
    "join_initiative",
    "leave_initiative",
    "make_coordinator",
    "mark_need",
    "post_initiative",
    "post_update",
    "release_task",
    "remove_need",
    "reopen_task",
    "support_initiative",
    "take_task",
]
