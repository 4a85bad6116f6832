"""How flag reasons and audit actions read in the interface."""

from app.accounts.models import Role
from app.core.i18n import lazy_gettext as _l
from app.moderation.models import FlagReason

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.MODERATOR: _l("Moderator"),
    Role.STAFF: _l("Department staff"),
    Role.ADMIN: _l("Administrator"),
}

FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Spam or advertising"),
    FlagReason.OFFENSIVE: _l("Offensive or abusive"),
    FlagReason.OFF_TOPIC: _l("Not about the city"),
    FlagReason.DUPLICATE: _l("Repeats another post"),
    FlagReason.OTHER: _l("Something else"),
}

AUDIT_ACTION_LABELS = {
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "mark_duplicate": _l("Marked as duplicate"),
    "not_duplicate": _l("Not a duplicate (undone)"),
    "move_supporters": _l("Moved supporters to the original"),
    "return_supporters": _l("Gave moved supporters back"),
    "forward": _l("Forwarded"),
    "hand_back": _l("Handed back"),
    "acknowledge": _l("Acknowledged"),
    "start": _l("Started work"),
    "resolve": _l("Resolved"),
    "decline": _l("Declined"),
    "reopen": _l("Reopened"),
    "withdraw": _l("Withdrawn by the author"),
    "edit_post": _l("Edited after approval"),
    "review_edits": _l("Reviewed edits"),
    "recategorise": _l("Changed category"),
    "retitle": _l("Clarified title"),
    "auto_hide": _l("Hidden by flags"),
    "hide": _l("Hidden"),
    "uphold_flags": _l("Upheld flags"),
    "dismiss_flags": _l("Dismissed flags"),
    "block": _l("Blocked user"),
    "unblock": _l("Unblocked user"),
    "change_role": _l("Changed role"),
    "assign": _l("Assigned"),
    "unassign": _l("Unassigned"),
    "internal_note": _l("Internal note"),
    "change_settings": _l("Changed thresholds"),
    "create_reason_template": _l("Added reason template"),
    "edit_reason_template": _l("Edited reason template"),
    "create_response_template": _l("Added response template"),
    "edit_response_template": _l("Edited response template"),
    "create_department": _l("Added department"),
    "edit_department": _l("Edited department"),
    "create_category": _l("Added category"),
    "edit_category": _l("Edited category"),
}


def flag_reason_label(reason: FlagReason | str) -> str:
    return str(FLAG_REASON_LABELS[FlagReason(reason)])


def audit_action_label(action: str) -> str:
    label = AUDIT_ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def role_label(role: Role) -> str:
    return str(ROLE_LABELS[role])
