"""Answering "is it fixed?" on a resolved problem, and the moderators' list of disputed fixes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.permissions import can_participate
from app.core.errors import DomainError
from app.core.hooks import add_template_hook
from app.core.permissions import require
from app.core.personal import add_choice, is_sharing, known, personal
from app.core.rate_limits import setting
from app.extensions import db, limiter
from app.fixes import services, subscribers  # noqa: F401  (subscribers: signal receivers)
from app.fixes.forms import FixAnswerForm
from app.fixes.models import FixAnswer
from app.fixes.permissions import can_answer_fix, can_review_disputes
from app.posts import follows
from app.posts import photos as photo_store
from app.posts.models import Post, PostKind, PostStatus
from app.posts.permissions import can_view_post

bp = Blueprint("fixes", __name__)


@bp.record_once
def _template_hooks(state) -> None:
    add_template_hook(state.app, "post-timeline", _fix_part, priority=60)
    add_choice(state.app, "fix", _fix_states)


# What "is it fixed?" looks like to one reader: not asked; asked, no answer yet; answered.
FIX_STATES = ("not asked", "asked", FixAnswer.CONFIRMED.value, FixAnswer.DISPUTED.value)


def _fix_part(post: Post) -> str:
    """ "Is it fixed?" under a resolved problem's timeline (the post page's slot). The counts are
    everyone's; whether the reader is asked, and their answer, are theirs (a hole of shared pages)."""
    fix = fix_panel(post, current_user)
    if fix is None:
        return ""
    resolution = services.latest_resolution(post)
    # A form makes a CSRF token, and so a session: only for those asked (visitors' pages stay cacheable).
    may_be_asked = is_sharing() or fix["may_answer"]
    form = FixAnswerForm(formdata=None) if may_be_asked else None

    def render(state: str) -> str:
        shown = fix | {"may_answer": state != "not asked", "answer": state if state in FIX_STATES[2:] else None}
        return render_template("fixes/_panel.html", post=post, fix=shown, form=form)

    mine = None if is_sharing() else _fix_state(fix["may_answer"], fix["question"])
    args = (post.id, post.author_id, resolution.id if resolution else None)
    return personal("fix", args, mine, FIX_STATES, caller=render)


def _fix_state(may_answer: bool, answer) -> str:
    if not may_answer:
        return "not asked"
    answer = getattr(answer, "answer", answer)
    return answer.value if answer is not None else "asked"


def _fix_states(holes: list[tuple]) -> list[str]:
    """The reader's state for each (post, author, resolution): asked if they wrote or follow the post."""
    if not can_participate(current_user):
        return ["not asked"] * len(holes)
    follow_states = [known("follow", (post_id,)) for post_id, _author, _resolution in holes]
    if None in follow_states:  # the post page knows; elsewhere, one query
        followed = follows.followed_among(current_user, [post_id for post_id, _author, _resolution in holes])
        follow_states = [post_id in followed for post_id, _author, _resolution in holes]
    answers = services.answers_of(current_user, [resolution for _post, _author, resolution in holes if resolution])
    return [
        _fix_state(author == current_user.id or follows_it, answers.get(resolution))
        for (_post, author, resolution), follows_it in zip(holes, follow_states, strict=True)
    ]


def fix_panel(post: Post, user) -> dict | None:
    """What the post's page shows under its timeline: the counts and, for those asked, the question."""
    if post.kind is not PostKind.PROBLEM or post.status is not PostStatus.RESOLVED:
        return None
    may_answer = can_answer_fix(user, post)
    return {
        "counts": services.fix_counts(post),
        "question": services.question_for(user, post) if may_answer and not is_sharing() else None,
        "may_answer": may_answer,
        "photos": services.dispute_photos(post) if post.photos else [],
    }


@bp.route("/posts/<int:post_id>/is-it-fixed", methods=["GET", "POST"])
@limiter.limit(setting("POSTING_RATE_LIMIT"), methods=["POST"])  # a photo is decoded: bounded CPU per address
@login_required
def answer(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    require(can_answer_fix(current_user, post))
    form = FixAnswerForm()
    is_valid = form.validate_on_submit()
    photo = _sent_photo(form)
    if is_valid and not form.photo.errors:
        try:
            if form.answer.data == "yes":
                services.confirm_fix(post, current_user)
            else:
                services.dispute_fix(post, current_user, form.note.data, photo)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_template("fixes/answer.html", post=post, form=form, staged_photo=photo), error.status
        db.session.commit()
        if form.answer.data == "yes":
            flash(_("Thank you for confirming the fix."), "success")
        else:
            flash(_("Thank you. The moderators will look at it and may reopen the problem."), "success")
        return redirect(url_for("posts.show", post_id=post.id, _anchor="is-it-fixed"))
    db.session.rollback()
    status = 422 if form.errors else 200
    return render_template("fixes/answer.html", post=post, form=form, staged_photo=photo), status


def _sent_photo(form: FixAnswerForm) -> photo_store.StagedPhoto | None:
    """The photo the answer brings (new, or kept from an earlier try); a message on the form if it is unusable.

    Call it after validation, which would clear the message it adds.
    """
    kept = (form.kept_photos.data or [])[:1]
    form.kept_photos.choices, form.kept_photos.data = [], []
    if not form.is_submitted() or form.answer.data != "no":
        return None
    new = form.photo.data if getattr(form.photo.data, "filename", "") else None
    staged, problems = photo_store.receive_uploads([new], [] if new else kept, current_user, room=1)
    form.photo.errors = [*form.photo.errors, *problems]
    if not staged:
        return None
    token = staged[0].token  # a new file replaces the one kept
    form.kept_photos.choices, form.kept_photos.data = [(token, _("Keep this photo"))], [token]
    return staged[0]


@bp.get("/moderation/disputed")
@login_required
def disputed():
    require(can_review_disputes(current_user))
    return render_template("fixes/disputed.html", disputed=services.disputed_posts(), tab="disputed")
