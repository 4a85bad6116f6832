"""How kinds and statuses read in the interface."""

from app.core.i18n import lazy_gettext as _l
from app.posts.models import PostKind, PostStatus

KIND_LABELS = {PostKind.PROBLEM: _l("Problem"), PostKind.IDEA: _l("Idea")}

STATUS_LABELS = {
    PostStatus.PENDING: _l("Awaiting moderation"),
    PostStatus.PUBLISHED: _l("Published"),
    PostStatus.REJECTED: _l("Rejected"),
    PostStatus.DUPLICATE: _l("Duplicate"),
    PostStatus.FORWARDED: _l("Forwarded to a department"),
    PostStatus.IN_PROGRESS: _l("In progress"),
    PostStatus.RESOLVED: _l("Resolved"),
    PostStatus.DECLINED: _l("Declined"),
    PostStatus.WITHDRAWN: _l("Withdrawn by its author"),
}


def status_label(status: PostStatus) -> str:
    return str(STATUS_LABELS[status])


def kind_label(kind: PostKind) -> str:
    return str(KIND_LABELS[kind])
