"""What a post's page shows: the post with what it shows of it, a page of its thread, the viewer's own
state, and the key its shared parts are cached under (app.core.fragments)."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.accounts import permissions as account_permissions
from app.accounts.models import Role
from app.core.cache import POST_SCOPE, page_versions, versions_columns, versions_key
from app.core.fragments import use_fragments
from app.core.hooks import render_hook, render_hooks
from app.core.pagination import requested_page
from app.core.personal import know
from app.extensions import db
from app.posts import comments as comment_service
from app.posts.forms import CommentForm, int_or_none
from app.posts.models import Comment, Follow, Post, Vote
from app.posts.permissions import can_comment


def load_post(post_id: int) -> Post:
    """The post with everything its page shows of it (no lazy load while the page renders)."""
    return db.first_or_404(select(Post).where(Post.id == post_id).options(*POST_PAGE_OPTIONS))


POST_PAGE_OPTIONS = (joinedload(Post.department), joinedload(Post.duplicate_of))
POST_PAGE_PARTS = ("notices", "body", "thread", "aside")  # shared parts of the page (app.core.fragments)


def comment_url(comment: Comment) -> str:
    page = comment_service.page_of(comment, current_app.config["COMMENTS_PER_PAGE"])
    return url_for(
        "posts.show", post_id=comment.post_id, comment_page=page if page > 1 else None, _anchor=f"comment-{comment.id}"
    )


def post_page(
    post: Post, comment_form: CommentForm | None, *, thread_page: int | None = None, whole_page: bool = True, **extra
) -> dict:
    """What the post's page shows; the shared parts only when not cached. `whole_page` False: only
    its comments section (htmx swaps it in), without the other packages' parts of the page."""
    newest_first = request.args.get("comments") == "newest"
    number = thread_page or requested_page("comment_page")
    read = g.pop("shahrvand_post_reader", None)  # read by `reader_key` for a shared page of this post
    if read is not None and read[0] == post.id:
        _post_id, versions, my_vote, is_following, has_commented = read
    else:
        versions = page_versions(POST_SCOPE, post.id, in_session=True)
        my_vote, is_following, has_commented = _viewer_state(post)
    found = use_fragments(_fragment_key(post, versions, has_commented), POST_PAGE_PARTS)
    thread = None
    comment_tools: dict[int, str] = {}
    if not found["thread"]:
        thread = comment_service.thread_page(
            post, number, current_app.config["COMMENTS_PER_PAGE"], newest_first=newest_first
        )
        comment_tools = {
            comment.id: render_hook("comment-tools", comment=comment, post=post)
            for top, replies in thread.items
            for comment in (top, *replies)
        }
    return {
        "post": post,
        "thread": thread,
        "comment_form": comment_form,
        "my_vote": my_vote,
        "is_following": is_following,
        "hooks": _post_hooks(post, found) if whole_page else {},
        "comment_tools": comment_tools,
        **extra,
    }


def _post_hooks(post: Post, found: dict[str, bool]) -> dict[str, str]:
    """Other packages' parts of the page (app.core.hooks), loaded before it renders; the parts
    inside a cached shared part are not loaded at all."""
    names = ["post-vote-card", "post-timeline"]
    names += [name for name, part in HOOKS_IN_PARTS.items() if not found[part]]
    return render_hooks(*names, post=post)


HOOKS_IN_PARTS = {"post-notices": "notices", "post-author": "body", "post-aside": "aside"}


def _viewer_state(post: Post) -> tuple[int, bool, bool]:
    """The signed-in user's vote on the post, whether they follow it, whether they commented on it: one query."""
    if not current_user.is_authenticated:
        return 0, False, False
    mine = (Vote.user_id == current_user.id) & (Vote.post_id == post.id)
    following = (Follow.user_id == current_user.id) & (Follow.post_id == post.id)
    commented = (Comment.post_id == post.id) & (Comment.author_id == current_user.id)
    vote, follow, comment = db.session.execute(
        select(
            select(Vote.value).where(mine).scalar_subquery(),
            select(Follow.post_id).where(following).scalar_subquery(),
            select(Comment.id).where(commented).limit(1).scalar_subquery(),
        )
    ).one()
    return vote or 0, follow is not None, comment is not None


_READER_STATE: list = []  # the statement below, built once (on first use: the versioned model is registered)


def _reader_state():
    if not _READER_STATE:
        post, reader = bindparam("post"), bindparam("reader")
        _READER_STATE.append(
            select(
                *versions_columns(post),  # as current_versions(post_id, in_session=True)
                select(Post.author_id).where(Post.id == post).scalar_subquery(),
                select(Vote.value).where(Vote.user_id == reader, Vote.post_id == post).scalar_subquery(),
                select(Follow.post_id).where(Follow.user_id == reader, Follow.post_id == post).scalar_subquery(),
                select(Comment.id)
                .where(Comment.post_id == post, Comment.author_id == reader)
                .limit(1)
                .scalar_subquery(),
            )
        )
    return _READER_STATE[0]


def reader_key(post_id: int) -> tuple | None:
    """What a signed-in reader's whole post page is shared under (app.core.personal): as its parts
    (`_fragment_key`), in one query that also reads the reader's vote and follow state for its holes.
    Read in the request's own transaction, as `current_versions(in_session=True)`; the statement is
    built once (building it cost about as much as running it)."""
    versions = tuple(db.session.execute(_reader_state(), {"post": post_id, "reader": current_user.id}).one())
    key = versions_key(POST_SCOPE, post_id, versions)
    if key is None:
        return None
    author_id, vote, follow, comment = versions[3:]
    g.shahrvand_post_reader = (post_id, key, vote or 0, follow is not None, comment is not None)
    know("vote", (post_id, author_id), "own" if author_id == current_user.id else vote or 0)
    know("follow", (post_id,), follow is not None)
    if current_user.role is Role.RESIDENT and author_id != current_user.id and comment is None:
        # As for the parts; `can_comment` is `can_participate` on the public posts such a reader sees.
        viewer: tuple = ("resident", account_permissions.can_participate(current_user))
    else:
        # Their own page, and what they may do: a block (or a confirmed address) bumps no version.
        viewer = ("user", current_user.id, account_permissions.can_participate(current_user))
    return (key, str(get_locale()), request.full_path, viewer)


def _fragment_key(post: Post, versions: tuple | None, has_commented: bool) -> tuple | None:
    """What the shared parts of this post's page are keyed by: the post's versions, the language, the
    address (page of the thread, reply), and the class of viewer. Residents who neither wrote the post
    nor commented on it see the same parts (told apart by what they may do); anyone else, their own."""
    if versions is None:
        return None
    if not current_user.is_authenticated:
        viewer: tuple = ("visitor",)
    elif current_user.role is Role.RESIDENT and post.author_id != current_user.id and not has_commented:
        viewer = (
            "resident",
            account_permissions.can_participate(current_user),
            can_comment(current_user, post),
        )
    else:
        # What they may do follows `can_participate` too (every power goes with a block, which bumps no version).
        viewer = ("user", current_user.id, account_permissions.can_participate(current_user))
    return (versions, str(get_locale()), request.full_path, viewer)


def reply_to(post: Post) -> Comment | None:
    """The comment named by ?reply=…, if it is a visible comment on this post."""
    comment_id = int_or_none(request.args.get("reply"))
    comment = db.session.get(Comment, comment_id) if comment_id else None
    return comment if comment is not None and comment.post_id == post.id and not comment.is_hidden else None
