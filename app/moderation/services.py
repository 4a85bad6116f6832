"""Moderators' work on posts besides status moves: reasons, categories, titles, bulk decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.extensions import db
from app.moderation import audit, workflow
from app.moderation.flags import open_flagged_item_count
from app.moderation.models import ReasonTemplate, StatusChange, TitleRevision
from app.posts import rules
from app.posts.models import Category, Post, PostStatus

BULK_MAX = 100  # posts in one bulk decision: one page of the queue at most


class ModerationError(DomainError):
    """A moderation rule was broken; `field` names the form field the message belongs to."""


def pending_query() -> Select:
    """Posts waiting for a moderator, oldest first (first come, first served)."""
    return select(Post).where(Post.status == PostStatus.PENDING).order_by(Post.created_at, Post.id)


@dataclass
class AuthorRecord:
    """What an author posted before: context for the moderator deciding on their new post."""

    published: int = 0
    rejected: int = 0
    pending: int = 0


def author_records(author_ids: list[int]) -> dict[int, AuthorRecord]:
    """Each author's posts by outcome, in one query."""
    if not author_ids:
        return {}
    rows = db.session.execute(
        select(Post.author_id, Post.status, func.count())
        .where(Post.author_id.in_(set(author_ids)))
        .group_by(Post.author_id, Post.status)
    )
    records: dict[int, AuthorRecord] = {}
    for author_id, status, count in rows:
        record = records.setdefault(author_id, AuthorRecord())
        if status is PostStatus.PENDING:
            record.pending += count
        elif status is PostStatus.REJECTED:
            record.rejected += count
        else:
            record.published += count
    return records


def active_reason_templates() -> list[ReasonTemplate]:
    return list(
        db.session.scalars(
            select(ReasonTemplate)
            .where(ReasonTemplate.is_active.is_(True))
            .order_by(ReasonTemplate.position, ReasonTemplate.id)
        )
    )


def rejection_note(author, template: ReasonTemplate | None, note: str | None) -> str:
    """The reason the author reads: the template in the author's language, then the moderator's words."""
    language = author.locale if author.locale in ("fa", "en") else "fa"
    parts = []
    if template is not None:
        parts.append(template.body_en if language == "en" else template.body_fa)
    note = clean_text(note, multiline=True)
    if note:
        parts.append(note)
    if not parts:
        raise ModerationError(_("Choose a reason or write one: the author deserves to know why."), "note")
    return "\n\n".join(parts)


def reject_post(post: Post, actor, *, template: ReasonTemplate | None = None, note: str | None = None) -> StatusChange:
    """Reject a pending post with a reason from a template, free text, or both."""
    if template is not None and not template.is_active:
        raise ModerationError(_("That reason is no longer offered. Choose another."), "template")
    return workflow.transition(post, "reject", actor, note=rejection_note(post.author, template, note))


@dataclass
class BulkResult:
    done: list[Post] = field(default_factory=list)
    skipped: list[tuple[Post, str]] = field(default_factory=list)


def bulk_decide(
    posts: list[Post], action: str, actor, *, template: ReasonTemplate | None = None, note: str | None = None
) -> BulkResult:
    """Approve or reject many pending posts; posts another moderator already handled are skipped."""
    if action not in ("approve", "reject"):
        raise ModerationError(_("Choose approve or reject."), "action")
    if not posts:
        raise ModerationError(_("Select at least one post."), "post_ids")
    if len(posts) > BULK_MAX:
        raise ModerationError(_("Select at most %(max)d posts at once.", max=BULK_MAX), "post_ids")
    result = BulkResult()
    for post in posts:
        if post.status is not PostStatus.PENDING:
            result.skipped.append((post, _("already handled by someone else")))
            continue
        if action == "approve" and post.author_id == actor.id:
            result.skipped.append((post, _("your own post waits for another moderator")))
            continue
        if action == "approve":
            workflow.transition(post, "approve", actor)
        else:
            reject_post(post, actor, template=template, note=note)
        result.done.append(post)
    return result


def recategorise_post(post: Post, category: Category | None, actor) -> None:
    """Move the post to a better category (its department does not change by itself)."""
    if category is None or not category.accepts(post.kind):
        raise ModerationError(_("Choose one of the listed categories."), "category")
    if post.status not in (PostStatus.PENDING, PostStatus.PUBLISHED, PostStatus.FORWARDED, PostStatus.IN_PROGRESS):
        raise ModerationError(_("Closed posts keep their category."), "category")
    if category.id == post.category_id:
        raise ModerationError(_("The post is already in this category."), "category")
    old = post.category
    post.category = category
    post.last_activity_at = utcnow()
    audit.record(actor, "recategorise", post, details={"from": old.slug, "to": category.slug})


def retitle_post(post: Post, title: str, actor) -> TitleRevision:
    """Clarify the title; the author's original stays on record and on the post's page."""
    title = clean_text(title)
    if not rules.TITLE_MIN <= len(title) <= rules.TITLE_MAX:
        raise ModerationError(
            _("The title must be %(min)d to %(max)d characters long.", min=rules.TITLE_MIN, max=rules.TITLE_MAX),
            "title",
        )
    if title == post.title:
        raise ModerationError(_("The title is unchanged."), "title")
    revision = TitleRevision(post_id=post.id, old_title=post.title, new_title=title, editor_id=actor.id)
    db.session.add(revision)
    audit.record(actor, "retitle", post, details={"from": post.title, "to": title})
    post.title = title
    post.updated_at = utcnow()
    return revision


def original_title(post: Post) -> str | None:
    """The author's own title if a moderator changed it, else None."""
    return db.session.scalar(
        select(TitleRevision.old_title).where(TitleRevision.post_id == post.id).order_by(TitleRevision.id).limit(1)
    )


def save_reason_template(actor, template: ReasonTemplate | None, **fields) -> ReasonTemplate:
    """Create a reason template or change one (admins)."""
    for name in ("title_fa", "title_en"):
        fields[name] = clean_text(fields[name])
    for name in ("body_fa", "body_en"):
        fields[name] = clean_text(fields[name], multiline=True)
    creating = template is None
    template = template or ReasonTemplate()
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_at = utcnow()
    db.session.add(template)
    db.session.flush()
    audit.record(
        actor,
        "create_reason_template" if creating else "edit_reason_template",
        template,
        details={"title": template.title_en},
    )
    return template


def all_reason_templates() -> list[ReasonTemplate]:
    return list(db.session.scalars(select(ReasonTemplate).order_by(ReasonTemplate.position, ReasonTemplate.id)))


def waiting_counts() -> dict[str, int]:
    """What waits for moderators: pending posts and flagged items (the header's badge adds them up)."""
    pending = db.session.scalar(select(func.count()).select_from(Post).where(Post.status == PostStatus.PENDING))
    return {"pending": pending, "flags": open_flagged_item_count()}


def duplicates_of(post: Post, limit: int = 10) -> list[Post]:
    """The visible posts marked as repeating this one, oldest first (shown on the original)."""
    if not post.duplicate_count:
        return []
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.duplicate_of_id == post.id, Post.status == PostStatus.DUPLICATE, Post.is_hidden.is_(False))
            .order_by(Post.created_at, Post.id)
            .limit(limit)
        )
    )
