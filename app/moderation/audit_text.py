"""The audit log as people read it: each entry one translated sentence, and its fields old → new.

The entries keep their details as JSON (machine-readable, stable across languages); this module
turns them into words at display time, looking up every name an entry refers to (categories,
departments, people) in one query per kind for the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import inspect, select

from app.accounts.models import Role, User
from app.core.i18n import lazy_gettext as _l
from app.core.l10n import format_number, localize_digits
from app.core.web import localized
from app.extensions import db
from app.moderation.labels import audit_action_label, flag_reason_label, role_label
from app.moderation.models import AuditEntry
from app.posts.labels import status_label
from app.posts.models import Category, Post, PostStatus

# What each action says; %(actor)s did it to %(subject)s (a post, a comment, a person, a setting).
SENTENCES = {
    "approve": _l("%(actor)s approved %(subject)s."),
    "reject": _l("%(actor)s rejected %(subject)s."),
    "mark_duplicate": _l("%(actor)s marked %(subject)s as a duplicate."),
    "not_duplicate": _l("%(actor)s found that %(subject)s is not a duplicate after all."),
    "move_supporters": _l("%(actor)s moved the supporters of %(subject)s to the original post."),
    "return_supporters": _l("%(actor)s gave the moved supporters back to %(subject)s."),
    "withdraw": _l("%(actor)s withdrew %(subject)s."),
    "edit_post": _l("%(actor)s edited %(subject)s after its approval."),
    "review_edits": _l("%(actor)s reviewed the edits of %(subject)s."),
    "forward": _l("%(actor)s forwarded %(subject)s to a department."),
    "hand_back": _l("%(actor)s handed %(subject)s back to the moderators."),
    "acknowledge": _l("%(actor)s acknowledged %(subject)s."),
    "start": _l("%(actor)s started work on %(subject)s."),
    "resolve": _l("%(actor)s marked %(subject)s as resolved."),
    "decline": _l("%(actor)s declined %(subject)s."),
    "reopen": _l("%(actor)s reopened %(subject)s."),
    "recategorise": _l("%(actor)s moved %(subject)s to another category."),
    "retitle": _l("%(actor)s clarified the title of %(subject)s."),
    "auto_hide": _l("%(subject)s was hidden by residents' flags until a moderator decides."),
    "hide": _l("%(actor)s hid %(subject)s."),
    "uphold_flags": _l("%(actor)s upheld the flags on %(subject)s and hid it."),
    "dismiss_flags": _l("%(actor)s dismissed the flags on %(subject)s."),
    "block": _l("%(actor)s blocked %(subject)s."),
    "unblock": _l("%(actor)s unblocked %(subject)s."),
    "change_role": _l("%(actor)s changed the role of %(subject)s."),
    "assign": _l("%(actor)s assigned %(subject)s to a staff member."),
    "unassign": _l("%(actor)s took %(subject)s off its staff member."),
    "internal_note": _l("%(actor)s wrote an internal note on %(subject)s."),
    "change_settings": _l("%(actor)s changed the moderation thresholds."),
    "create_reason_template": _l("%(actor)s added a reason template."),
    "edit_reason_template": _l("%(actor)s edited a reason template."),
    "create_response_template": _l("%(actor)s added a response template."),
    "edit_response_template": _l("%(actor)s edited a response template."),
    "create_department": _l("%(actor)s added the department %(subject)s."),
    "edit_department": _l("%(actor)s edited the department %(subject)s."),
    "create_category": _l("%(actor)s added the category %(subject)s."),
    "edit_category": _l("%(actor)s edited the category %(subject)s."),
}
UNKNOWN_SENTENCE = _l("%(actor)s: %(action)s on %(subject)s.")

# The names of the fields details hold, as the log shows them.
FIELD_LABELS = {
    "status": _l("Status"),
    "category": _l("Category"),
    "title": _l("Title"),
    "reason": _l("Reason"),
    "flags": _l("Open flags"),
    "was_hidden": _l("Was hidden"),
    "role": _l("Role"),
    "department": _l("Department"),
    "assignee": _l("Staff member"),
    "slug": _l("Address name"),
    "active": _l("Active"),
    "action": _l("For the action"),
    "automatic": _l("Automatic"),
    "flag_hide": _l("Flags that hide a post or comment until a moderator decides"),
    "promising": _l("Support score for the “promising” tab"),
    "auto_forward_enabled": _l("Forward automatically to the category’s department"),
    "auto_forward": _l("Support score for automatic forwarding"),
    "to": _l("Original post"),
    "from": _l("Original post"),
    "moved": _l("Supporters moved"),
    "added": _l("Added to the original"),
    "already_there": _l("Already supported the original"),
    "returned": _l("Given back"),
    "kept_their_choice": _l("Kept their own choice"),
    "edits": _l("Edits reviewed"),
    "revision": _l("Earlier version"),
    "substantial": _l("A rewrite"),
}


@dataclass(frozen=True)
class Change:
    """One field of an entry: its label and its value before and after (None: not applicable)."""

    label: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    sentence: Markup
    changes: list[Change] = field(default_factory=list)


class _Names:
    """Every name the page's entries refer to, looked up once for the page (one query per kind)."""

    def __init__(self, entries: list[AuditEntry]):
        category_keys, department_keys, user_ids = set(), set(), set()
        for entry in entries:
            details = entry.details or {}
            if entry.action == "recategorise":
                category_keys |= {details.get("from"), details.get("to")}
            if entry.action in ("create_category", "edit_category"):
                department_keys.add(details.get("department"))
            if entry.action == "change_role":
                for side in ("from", "to"):
                    department_keys.add((details.get(side) or {}).get("department"))
            if entry.department_id:
                department_keys.add(entry.department_id)
            if entry.subject_type == "department":
                department_keys.add(entry.subject_id)
            if entry.subject_type == "category":
                category_keys.add(entry.subject_id)
            if entry.subject_type == "user" and entry.subject_id:
                user_ids.add(entry.subject_id)
            if isinstance(details.get("assignee"), int):
                user_ids.add(details["assignee"])
        self.categories = self._load(Category, category_keys - {None})
        self.departments = self._load(inspect(Post).relationships["department"].mapper.class_, department_keys - {None})
        self.users = (
            {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        )

    @staticmethod
    def _load(model, keys: set) -> dict:
        """Names by slug and by number (details keep slugs, entries numbers)."""
        if not keys:
            return {}
        ids = {k for k in keys if isinstance(k, int)}
        slugs = {k for k in keys if isinstance(k, str)}
        names = {}
        for row in db.session.scalars(select(model).where(model.id.in_(ids) | model.slug.in_(slugs))):
            names[row.slug] = names[row.id] = localized(row)
        return names

    def category(self, key) -> str | None:
        return self.categories.get(key, key) if key is not None else None

    def department(self, key) -> str | None:
        return self.departments.get(key, key) if key is not None else None


def _person(user: User | None) -> Markup:
    if user is None:
        return escape(_("the system"))
    return Markup("<bdi>%s</bdi>") % user.shown_name


def _subject(entry: AuditEntry, names: _Names) -> Markup:
    number = localize_digits(entry.subject_id or "")
    if entry.post_id and entry.subject_type == "post":
        link = url_for("posts.show", post_id=entry.post_id)
        return Markup('<a href="%s">%s</a>') % (link, _("post #%(id)s", id=localize_digits(entry.post_id)))
    if entry.post_id:  # a comment, a note or an assignment on a post
        link = url_for("posts.show", post_id=entry.post_id)
        what = _("a comment on post #%(id)s") if entry.subject_type == "comment" else _("post #%(id)s")
        return Markup('<a href="%s">%s</a>') % (link, what % {"id": localize_digits(entry.post_id)})
    if entry.subject_type == "user":
        user = names.users.get(entry.subject_id)
        label = Markup("<bdi>%s</bdi>") % user.shown_name if user else _("user #%(id)s", id=number)
        return Markup('<a href="%s">%s</a>') % (url_for("moderation.user_detail", user_id=entry.subject_id), label)
    if entry.subject_type == "department":
        return Markup("<bdi>%s</bdi>") % names.department(entry.subject_id)
    if entry.subject_type == "category":
        return Markup("<bdi>%s</bdi>") % names.category(entry.subject_id)
    return escape(_("a setting"))


def _yes_no(value) -> str | None:
    return None if value is None else (_("yes") if value else _("no"))


def _status(value) -> str | None:
    try:
        return status_label(PostStatus(value))
    except ValueError:
        return value


def _role(value) -> str | None:
    try:
        return role_label(Role(value))
    except ValueError:
        return value


def _number(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return _yes_no(value)
    return format_number(value) if isinstance(value, int | float) else str(value)


def _changes(entry: AuditEntry, names: _Names) -> list[Change]:
    details, action = entry.details or {}, entry.action
    if not details:
        return []
    label = lambda key: str(FIELD_LABELS.get(key, key))  # noqa: E731
    if action == "recategorise":
        return [Change(label("category"), names.category(details.get("from")), names.category(details.get("to")))]
    if action == "retitle":
        return [Change(label("title"), details.get("from"), details.get("to"))]
    if action == "change_role":
        before, after = details.get("from") or {}, details.get("to") or {}
        changes = [Change(label("role"), _role(before.get("role")), _role(after.get("role")))]
        if before.get("department") or after.get("department"):
            changes.append(
                Change(
                    label("department"),
                    names.department(before.get("department")) or "–",
                    names.department(after.get("department")) or "–",
                )
            )
        return changes
    if action == "change_settings":
        return [
            Change(label(key), _number(values.get("from")), _number(values.get("to")))
            for key, values in details.items()
            if isinstance(values, dict)
        ]
    if action in ("move_supporters", "return_supporters"):
        return [
            Change(label(key), None, f"#{_number(value)}" if key in ("to", "from") else _number(value))
            for key, value in details.items()
        ]
    if "from" in details and "to" in details:  # a move of the post's status
        changes = [Change(label("status"), _status(details["from"]), _status(details["to"]))]
        if entry.department_id and action == "forward":
            changes.append(Change(label("department"), None, names.department(entry.department_id)))
        return changes
    changes = []
    for key, value in sorted(details.items()):
        if key == "reason":
            changes.append(Change(label(key), None, flag_reason_label(value)))
        elif key == "assignee":  # named as they are now (the name at the time is kept in "name")
            person = names.users.get(value)
            changes.append(Change(label(key), None, person.shown_name if person else details.get("name")))
        elif key == "name":
            continue
        elif key == "department":
            changes.append(Change(label(key), None, names.department(value) or "–"))
        elif key == "action":
            changes.append(Change(label(key), None, audit_action_label(value)))
        elif key == "status":
            changes.append(Change(label(key), None, _status(value)))
        elif key == "substantial":
            changes.append(Change(label(key), None, _yes_no(value)))
        else:
            changes.append(Change(label(key), None, _number(value)))
    return changes


def describe(entries: list[AuditEntry]) -> list[AuditLine]:
    """The page's entries as sentences with their fields."""
    names = _Names(entries)
    lines = []
    for entry in entries:
        template = SENTENCES.get(entry.action, UNKNOWN_SENTENCE)
        variables = {
            "actor": _person(entry.actor),
            "subject": _subject(entry, names),
            "action": escape(entry.action),
        }
        sentence = Markup(str(template)) % variables  # noqa: S704 -- the catalogue is trusted; values are escaped
        lines.append(AuditLine(entry, sentence, _changes(entry, names)))
    return lines
