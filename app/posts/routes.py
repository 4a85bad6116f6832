"""Pages for reading and writing posts, votes, comments and follows."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts import permissions as account_permissions
from app.core.cache import LISTS_SCOPE, POST_SCOPE, cached_for_visitors, page_versions
from app.core.errors import DomainError, show_error
from app.core.hooks import render_hook
from app.core.pagination import requested_page
from app.core.permissions import require
from app.core.personal import add_choice, is_sharing, shared_by_readers
from app.core.rate_limits import setting, user_or_address
from app.core.redirects import safe_next_url
from app.core.web import localized
from app.extensions import db, limiter
from app.posts import comments as comment_service
from app.posts import duplicates, follows, labels, permissions, places, post_page, queries, services, votes
from app.posts import photos as photo_store
from app.posts.choices import category_choices
from app.posts.forms import CommentForm, ListFilterForm, PostForm, VoteForm, int_or_none
from app.posts.models import Category, Comment, Photo, Post, PostKind, PostStatus
from app.posts.vote_answer import vote_answer

bp = Blueprint("posts", __name__)


@bp.record_once
def _template_helpers(state) -> None:
    add_choice(state.app, "vote", _vote_states)
    add_choice(state.app, "follow", _follow_states)
    state.app.jinja_env.globals.update(
        can_participate=account_permissions.can_participate,
        can_moderate=account_permissions.can_moderate,
        can_administer=account_permissions.can_administer,
        can_view_post=permissions.can_view_post,
        can_edit_post=permissions.can_edit_post,
        can_edit_photos=permissions.can_edit_photos,
        can_withdraw_post=permissions.can_withdraw_post,
        withdraw_url=_withdraw_url,
        can_edit_comment=permissions.can_edit_comment,
        can_comment=permissions.can_comment,
        can_remove_photo=permissions.can_remove_photo,
        PostKind=PostKind,
        PostStatus=PostStatus,
        status_label=labels.status_label,
        kind_label=labels.kind_label,
        map_settings=places.map_settings,
        similar_posts_url=_similar_posts_url,
        filter_args=filter_args,
    )


def _similar_posts_url() -> str | None:
    """Where the post form asks for similar posts while typing, once search provides it."""
    return url_for("search.similar") if "search.similar" in current_app.view_functions else None


def _withdraw_url(post: Post) -> str | None:
    """Where the author withdraws the post: a page of the workflow's owner (app.moderation), when present."""
    if "withdrawal.withdraw" not in current_app.view_functions:
        return None
    return url_for("withdrawal.withdraw", post_id=post.id)


def _enum_arg(name: str, enum_type):
    value = request.args.get(name)
    try:
        return enum_type(value) if value else None
    except ValueError:
        return None


FILTER_ARGS = ("kind", "category", "status")


def filter_args() -> dict[str, str]:
    """The list's filters from the query string, to carry into links (never the whole query string:
    url_for would read names like `_external` or `endpoint` as its own options)."""
    return {key: request.args[key] for key in FILTER_ARGS if request.args.get(key)}


def list_filters() -> queries.PostFilter:
    return queries.PostFilter(
        kind=_enum_arg("kind", PostKind),
        category_id=int_or_none(request.args.get("category")),
        status=_enum_arg("status", PostStatus),
    )


def filter_form(filters: queries.PostFilter, categories: list[Category], sort: queries.Sort | None = None):
    """The filters' form, showing the filters in force (the map has no order: `sort` None)."""
    form = ListFilterForm(
        formdata=None,
        kind=filters.kind.value if filters.kind else "",
        category=str(filters.category_id or ""),
        status=filters.status.value if filters.status else "",
        sort=sort.value if sort else "hot",
    )
    form.kind.choices = [SelectChoice("", _("All kinds"))] + [
        SelectChoice(kind.value, labels.kind_label(kind)) for kind in PostKind
    ]
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(str(category.id), localized(category)) for category in categories
    ]
    form.status.choices = [SelectChoice("", _("All open and closed"))] + [
        SelectChoice(status.value, labels.status_label(status)) for status in sorted(queries.PUBLIC_STATUSES)
    ]
    if sort is None:
        del form.sort
    return form


@bp.get("/")
@cached_for_visitors(scope=LISTS_SCOPE)
@shared_by_readers(lambda: list_key())
def index():
    per_page = current_app.config["POSTS_PER_PAGE"]
    hot = queries.list_public_posts(queries.PostFilter(), queries.Sort.HOT, 1, per_page // 2)
    problems = queries.list_public_posts(queries.PostFilter(kind=PostKind.PROBLEM), queries.Sort.NEWEST, 1, 5)
    ideas = queries.list_public_posts(queries.PostFilter(kind=PostKind.IDEA), queries.Sort.SUPPORTED, 1, 5)
    return render_template(
        "posts/index.html",
        hot=hot.items,
        problems=problems.items,
        ideas=ideas.items,
        my_votes=_my_votes(hot.items + problems.items + ideas.items),
        announcements=render_hook("home-announcements"),
    )


@bp.get("/posts")
@cached_for_visitors(scope=LISTS_SCOPE)
@shared_by_readers(lambda: list_key())
def list_posts():
    filters = list_filters()
    sort = _enum_arg("sort", queries.Sort) or queries.Sort.HOT
    page = queries.list_public_posts(filters, sort, requested_page(), current_app.config["POSTS_PER_PAGE"])
    categories = services.active_categories()
    return render_template(
        "posts/list.html",
        page=page,
        filters=filters,
        categories=categories,
        filter_form=filter_form(filters, categories, sort),
        my_votes=_my_votes(page.items),
    )


def _vote_states(holes: list[tuple]) -> list:
    """The reader's vote on each (post id, author id) of a shared page: "own" for their own posts."""
    mine = votes.user_votes(current_user, [post_id for post_id, _author in holes])
    return ["own" if author == current_user.id else mine.get(post_id, 0) for post_id, author in holes]


def _follow_states(holes: list[tuple]) -> list[bool]:
    followed = follows.followed_among(current_user, [post_id for (post_id,) in holes])
    return [post_id in followed for (post_id,) in holes]


def list_key() -> tuple | None:
    """What a signed-in reader's list page is shared under (app.core.personal): the lists' versions,
    the language, the address, the reader's role (residents share the header's role links) and
    whether they may vote (their own votes are holes)."""
    versions = page_versions(LISTS_SCOPE, in_session=True)
    if versions is None:
        return None
    return (
        versions,
        str(get_locale()),
        request.full_path,
        ("reader", current_user.role, account_permissions.can_participate(current_user)),
    )


def _my_votes(posts: list[Post]) -> dict[int, int]:
    if is_sharing():  # every vote's look is rendered; each reader's are chosen in one query (app.core.personal)
        return {}
    return votes.user_votes(current_user, [post.id for post in posts])


@bp.route("/posts/new", methods=["GET", "POST"])
@limiter.limit(setting("POSTING_RATE_LIMIT"), methods=["POST"])  # each try may decode photos: bounded CPU per address
@login_required
def new_post():
    # Residents who have not confirmed their address may write (and keep) a draft; posting refuses.
    require(account_permissions.can_write(current_user))
    form = PostForm()
    if request.method == "GET" and request.args.get("kind") in (k.value for k in PostKind):
        form.kind.data = request.args["kind"]
    form.category.choices = category_choices(_("Choose a category"))
    is_valid = form.validate_on_submit() and "review" not in request.form  # "review": back from the check below
    staged, _removed = _photo_changes(form)
    if is_valid and not form.photos.errors:
        original = None if "post_anyway" in request.form else duplicates.likely_duplicate(_draft(form))
        if original is not None:  # near-certain duplicate: show it first; the page carries the whole draft
            db.session.rollback()
            return render_template("posts/duplicate_check.html", form=form, original=original, staged_photos=staged)
        try:
            post = services.submit_post(current_user, **_post_fields(form), photos=staged)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("Thank you! Your post is waiting for a moderator and will be public once approved."), "success")
            return redirect(url_for("posts.show", post_id=post.id))
    db.session.rollback()
    return render_template("posts/new.html", form=form, staged_photos=staged), 422 if form.errors else 200


def _photo_changes(form: PostForm, post: Post | None = None) -> tuple[list[photo_store.StagedPhoto], list[Photo]]:
    """The photos a sent form adds (kept from an earlier try, and new) and removes; a message per bad file.
    Sets the choices of the form's photo tick boxes for the page shown again.

    Call it after validation, which would clear the messages it adds.
    """
    present = post.photos if post is not None else []
    form.remove_photos.choices = [
        (str(photo.id), _("Remove photo %(number)d", number=number)) for number, photo in enumerate(present, 1)
    ]
    if not form.is_submitted():
        form.kept_photos.choices, form.remove_photos.data = [], []
        return [], []
    removing = set(form.remove_photos.data or ())
    removed = [photo for photo in present if str(photo.id) in removing]
    room = current_app.config["PHOTOS_PER_POST"] - len(present) + len(removed)
    staged, problems = photo_store.receive_uploads(
        form.photos.data or [], form.kept_photos.data or [], current_user, room=room
    )
    form.photos.errors = [*form.photos.errors, *problems]
    tokens = [photo.token for photo in staged]  # signed with the time: read each once
    form.kept_photos.choices = [(token, _("Keep this photo")) for token in tokens]
    form.kept_photos.data = tokens  # every photo received stays ticked
    return staged, removed


def _post_fields(form: PostForm) -> dict:
    category = db.session.get(Category, form.category.data) if form.category.data else None
    return {
        "kind": PostKind(form.kind.data),
        "title": form.title.data,
        "body": form.body.data,
        "category": category,
        "address": form.address.data,
        "latitude": form.latitude.data,
        "longitude": form.longitude.data,
    }


def _draft(form: PostForm) -> duplicates.Draft:
    fields = _post_fields(form)
    fields.pop("address")
    return duplicates.Draft(author=current_user, **fields)


@bp.get("/posts/<int:post_id>")
@cached_for_visitors(scope=POST_SCOPE)
@shared_by_readers(post_page.reader_key)
def show(post_id: int):
    post = post_page.load_post(post_id)
    require(permissions.can_view_post(current_user, post), hide=True)
    # A form makes a CSRF token, and so a session: only for those who may comment (visitors' pages stay cacheable).
    comment_form = CommentForm() if permissions.can_comment(current_user, post) else None
    return render_template(
        "posts/show.html", **post_page.post_page(post, comment_form, reply_to=post_page.reply_to(post))
    )


@bp.get("/posts/<int:post_id>/comments/<int:comment_id>")
def comment_link(post_id: int, comment_id: int):
    """A link to a comment that always works: the page of the thread it is on, at the comment."""
    post = db.get_or_404(Post, post_id)
    require(permissions.can_view_post(current_user, post), hide=True)
    comment = db.get_or_404(Comment, comment_id)
    if comment.post_id != post.id:
        abort(404)
    return redirect(post_page.comment_url(comment))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@limiter.limit(setting("POSTING_RATE_LIMIT"), methods=["POST"])
@login_required
def edit(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(permissions.can_view_post(current_user, post), hide=True)
    require(permissions.can_edit_post(current_user, post))
    form = PostForm(obj=post, kind=post.kind.value, category=post.category_id)
    form.category.choices = category_choices(_("Choose a category"))
    is_pending = permissions.can_edit_photos(current_user, post)
    if not is_pending:  # after approval the category and photos stay: moderators re-categorise
        form.category.data = post.category_id
    is_valid = form.validate_on_submit()
    staged, removed = _photo_changes(form, post) if is_pending else ([], [])
    if is_valid and not form.photos.errors:
        fields = _post_fields(form)
        fields.pop("kind")  # the kind of a post never changes
        try:
            revision = services.edit_post(post, **fields, add_photos=staged, remove_photos=removed, editor=current_user)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            if is_pending or revision is not None:
                flash(_("Your changes are saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("posts.show", post_id=post.id))
    db.session.rollback()
    return render_template(
        "posts/edit.html", form=form, post=post, staged_photos=staged, is_pending=is_pending
    ), 422 if form.errors else 200


@bp.post("/posts/<int:post_id>/vote")
@limiter.limit(setting("VOTE_RATE_LIMIT"), key_func=user_or_address)
@login_required
def vote(post_id: int):
    post, before = votes.post_to_vote_on(current_user, post_id) or abort(404)
    require(permissions.can_view_post(current_user, post), hide=True)
    form = VoteForm()
    try:
        if not form.validate_on_submit():
            raise votes.VoteError(_("Unknown vote."))
        held = votes.cast_vote(current_user, post, form.value.data, held=before)
    except votes.VoteError as error:
        db.session.rollback()
        if request.headers.get("HX-Request"):
            return _vote_widget(post, votes.user_vote(current_user, post), vote_error=str(error)), 422
        flash(str(error), "danger")
        return redirect(_back_to(post))
    # What the answer shows is rendered before the commit, from the rows the vote just read: after
    # it, every object is expired and would be read again in a new transaction (which, in a POST,
    # takes the write lock again). Nothing of it leaves before the commit has succeeded.
    answer = vote_answer(post, held) if request.headers.get("HX-Request") else None
    back = answer is None and _back_to(post)
    db.session.commit()
    return answer if answer is not None else redirect(back)


def _vote_widget(post: Post, my_vote: int, vote_error: str | None = None) -> str:
    # The macro itself, from the template's module that Jinja keeps: rendering a template that
    # imports _macros.html built its module again on every vote (an import with globals of its own).
    return str(get_template_attribute("_macros.html", "vote_widget")(post, my_vote, vote_error=vote_error))


def _back_to(post: Post) -> str:
    """Where to go after a vote without JavaScript: the page it was cast from, else the post."""
    return safe_next_url() if request.form.get("next") else url_for("posts.show", post_id=post.id)


@bp.post("/posts/<int:post_id>/follow")
@login_required
def follow(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(permissions.can_follow(current_user, post), hide=True)
    if request.form.get("action") == "unfollow":
        follows.unfollow_post(current_user, post)
        message = _("You no longer follow this post.")
    else:
        follows.follow_post(current_user, post)
        message = _("You follow this post: you will hear about its changes.")
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_template("posts/_follow.html", post=post, is_following=follows.is_following(current_user, post))
    flash(message, "success")
    return redirect(url_for("posts.show", post_id=post.id))


@bp.post("/posts/<int:post_id>/support-instead")
@limiter.limit(setting("VOTE_RATE_LIMIT"), key_func=user_or_address)
@login_required
def support_instead(post_id: int):
    """Support an existing post and follow it (or only follow), instead of writing the same one again."""
    post = db.get_or_404(Post, post_id)
    require(permissions.can_follow(current_user, post), hide=True)
    try:
        votes.support_instead(current_user, post, follow_only=request.form.get("action") == "follow")
    except votes.VoteError as error:
        db.session.rollback()
        return _supported(post, str(error))
    db.session.commit()
    return _supported(post)


def _supported(post: Post, error: str | None = None):
    """The answer in place of the buttons (htmx), or the post's page with a message."""
    my_vote = votes.user_vote(current_user, post)
    if request.headers.get("HX-Request"):
        return render_template("posts/_supported.html", post=post, error=error, my_vote=my_vote), 422 if error else 200
    if error:
        flash(error, "danger")
    elif my_vote == votes.SUPPORT:
        flash(_("Thank you: you support this post and will hear about its progress."), "success")
    else:
        flash(_("You follow this post: you will hear about its changes."), "success")
    return redirect(url_for("posts.show", post_id=post.id))


@bp.post("/posts/<int:post_id>/comments")
@limiter.limit(setting("COMMENT_RATE_LIMIT"), key_func=user_or_address)
@login_required
def add_comment(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(permissions.can_view_post(current_user, post), hide=True)
    require(permissions.can_comment(current_user, post))
    form = CommentForm()
    parent = db.session.get(Comment, form.parent_id.data) if form.parent_id.data else None
    is_htmx = bool(request.headers.get("HX-Request"))
    if form.validate_on_submit():
        try:
            comment = comment_service.add_comment(post, current_user, form.body.data, parent=parent)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            if is_htmx:  # the section again, at the page of the new comment, focused, with an empty form
                page = comment_service.page_of(comment, current_app.config["COMMENTS_PER_PAGE"])
                return render_template(
                    "posts/_comments.html",
                    **post_page.post_page(
                        post, CommentForm(formdata=None), thread_page=page, whole_page=False, new_comment_id=comment.id
                    ),
                )
            flash(_("Your comment is posted."), "success")
            return redirect(post_page.comment_url(comment))
    db.session.rollback()
    template = "posts/_comments.html" if is_htmx else "posts/show.html"
    return render_template(template, **post_page.post_page(post, form, reply_to=parent, whole_page=not is_htmx)), 422


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@limiter.limit(setting("COMMENT_RATE_LIMIT"), key_func=user_or_address, methods=["POST"])
@login_required
def edit_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    require(permissions.can_view_post(current_user, comment.post) and not comment.is_hidden, hide=True)
    require(permissions.can_edit_comment(current_user, comment))
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        try:
            comment_service.edit_comment(comment, form.body.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("Your comment is saved."), "success")
            return redirect(post_page.comment_url(comment))
    return render_template("posts/edit_comment.html", form=form, comment=comment), 422 if form.errors else 200


@bp.get("/me/posts")
@login_required
def my_posts():
    page = queries.posts_by_author(current_user.id, requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template("posts/mine.html", page=page)


# Views that live in their own modules but belong to this blueprint.
from app.posts import map_routes, personal_data, photo_routes  # noqa: E402, F401  (personal_data: signal receivers)
