"""Whole pages shared by signed-in readers (app.core.personal): each hole shows the reader's own state,
whoever rendered the page first, and follows a change at once."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from app.accounts.models import Role
from app.core.personal import page_store
from app.extensions import db
from app.moderation import flags, workflow
from app.moderation.models import FlagReason
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.posts import follows
from app.posts.models import PostKind, PostStatus
from app.posts.votes import OPPOSE, SUPPORT, cast_vote
from tests.core.test_page_versions import page, rendered_templates, sign_in, tokens


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}  # as in production: every form carries its token


def reader(app, make, user=None):
    """A browser signed in as `user` (a new resident if None)."""
    client = app.test_client()
    sign_in(client, user or make.user())
    return client


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def pressed(html: str, post) -> list[str]:
    """The vote buttons pressed in the post's widget."""
    widget = re.search(rf'id="vote-{post.id}".*?</div>\s*</div>|id="vote-{post.id}".*?</form>', html, re.S).group(0)
    return re.findall(r'value="(-?1)"\s+aria-pressed="true"', widget)


def test_two_residents_reading_the_same_shared_list_each_see_only_their_own_votes(app, make):
    idea, problem = make.post(kind=PostKind.IDEA), make.post(kind=PostKind.PROBLEM)
    first, second = make.user(), make.user()
    cast_vote(first, idea, SUPPORT), cast_vote(first, problem, SUPPORT), cast_vote(second, idea, OPPOSE)
    db.session.commit()
    first_client, second_client = reader(app, make, first), reader(app, make, second)
    first_page = text(first_client, "/posts")
    with rendered_templates(app) as names:
        second_page = text(second_client, "/posts")
    assert "posts/list.html" not in names  # served from the first reader's render
    assert pressed(first_page, idea) == ["1"] and pressed(first_page, problem) == ["1"]
    assert pressed(second_page, idea) == ["-1"] and pressed(second_page, problem) == []
    assert tokens(first_page) and tokens(second_page) and not tokens(first_page) & tokens(second_page)
    assert len(tokens(second_page)) == 1  # the second reader's own token in every form


def test_a_residents_own_post_has_no_vote_buttons_on_a_list_another_rendered(app, make):
    author = make.user()
    own, other = make.post(author=author), make.post()
    text(reader(app, make), "/posts")  # rendered by someone else first
    html = text(reader(app, make, author), "/posts")
    assert f'action="/posts/{own.id}/vote"' not in html
    assert f'action="/posts/{other.id}/vote"' in html


def test_a_vote_shows_at_once_on_the_voters_shared_pages(app, make):
    post = make.post()
    voter = reader(app, make)
    for url in ("/", "/posts", f"/posts/{post.id}"):
        text(voter, url)
    token = next(iter(tokens(text(voter, f"/posts/{post.id}"))))
    assert voter.post(f"/posts/{post.id}/vote", data={"value": "1", "csrf_token": token}).status_code == 302
    for url in ("/", "/posts", f"/posts/{post.id}"):
        html = text(voter, url)
        assert pressed(html, post) == ["1"], url
        assert re.search(
            rf'id="vote-{post.id}">\s*<div class="vote-count"[^>]*>\s*<span class="vote-number">1<', html
        ), url


def test_follow_and_flag_on_a_shared_post_page_are_each_readers_own(app, make):
    post = make.post()
    first, second = make.user(), make.user()
    follows.follow_post(first, post)
    flags.flag(first, post, FlagReason.SPAM)
    db.session.commit()
    first_client, second_client = reader(app, make, first), reader(app, make, second)
    first_page = text(first_client, f"/posts/{post.id}")
    second_page = text(second_client, f"/posts/{post.id}")
    assert 'value="unfollow"' in first_page and 'value="follow"' in second_page
    assert "flag-disclosure" not in first_page and "flag-disclosure" in second_page
    assert len(page_store()._pages) == 1  # one page for both


def test_the_unread_count_changes_at_once_on_a_shared_page(app, make):
    post = make.post()
    user = make.user()
    client = reader(app, make, user)
    for url in ("/posts", f"/posts/{post.id}"):
        assert "badge rounded-pill text-bg-danger" not in text(client, url)
    notify([user.id], NotificationKind.STATUS_CHANGE, post=post)
    db.session.commit()
    for url in ("/posts", f"/posts/{post.id}"):
        html = text(client, url)
        assert re.search(r'text-bg-danger" aria-hidden="true">1<', html), url
    assert len(page_store()._pages) == 2  # served from the pages kept before the notification


def test_each_reader_sees_their_own_name_in_a_shared_header(app, make):
    first, second = make.user(display_name="نرگس احمدی"), make.user(display_name="Ali <b>Rezaei</b>")
    text(reader(app, make, first), "/posts")
    html = text(reader(app, make, second), "/posts")
    assert "نرگس احمدی" not in html
    assert "<bdi>Ali &lt;b&gt;Rezaei&lt;/b&gt;</bdi>" in html  # escaped, as the template would


def test_a_blocked_resident_gets_no_vote_forms_and_sees_the_banner_on_a_shared_page(app, make):
    post = make.post()
    text(reader(app, make), "/posts"), text(reader(app, make), f"/posts/{post.id}")
    blocked = make.user(is_blocked=True, blocked_reason="هرزنامه")
    client = reader(app, make, blocked)
    for url in ("/posts", f"/posts/{post.id}"):
        html = text(client, url)
        assert f'action="/posts/{post.id}/vote"' not in html, url
        assert "هرزنامه" in html, url
    assert "هرزنامه" not in text(reader(app, make), "/posts")


def test_the_moderators_links_and_waiting_count_never_reach_a_residents_shared_page(app, make):
    make.post(PostStatus.PENDING)
    moderator_page = text(reader(app, make, make.user(Role.MODERATOR)), "/posts")
    resident_page = text(reader(app, make), "/posts")
    assert 'id="nav-moderation"' in moderator_page and 'id="nav-moderation"' not in resident_page
    staff = make.user(Role.STAFF)
    assert "/departments/mine" in text(reader(app, make, staff), "/posts")
    assert "/departments/mine" not in text(reader(app, make), "/posts")


def test_a_moderator_served_a_kept_page_sees_what_waits(app, make):
    make.post(PostStatus.PENDING), make.post(PostStatus.PENDING)
    first, second = reader(app, make, make.user(Role.MODERATOR)), reader(app, make, make.user(Role.MODERATOR))
    text(first, "/posts")  # rendered for the moderators
    with rendered_templates(app) as names:
        html = text(second, "/posts")
    assert "posts/list.html" not in names  # kept: the count is loaded for the hole, without a render
    assert re.search(r'id="nav-moderation".*?text-bg-warning[^>]*>2<', html, re.S)


def test_is_it_fixed_asks_only_the_author_and_followers_on_a_shared_page(app, make):
    post = make.post(PostStatus.IN_PROGRESS, kind=PostKind.PROBLEM)
    follower = make.user()
    follows.follow_post(follower, post)
    workflow.transition(post, "resolve", make.user(Role.STAFF, department=post.department), note="آسفالت شد.")
    db.session.commit()
    stranger, follower_client = reader(app, make), reader(app, make, follower)  # (a new account: a public write)
    stranger_page = text(stranger, f"/posts/{post.id}")
    follower_page = text(follower_client, f"/posts/{post.id}")
    assert "fix-answer-form" not in stranger_page and "fix-answer-form" in follower_page
    assert len(page_store()._pages) == 1


def test_a_readers_own_part_inside_a_shared_fragment_is_refused(app, make):
    user = make.user()
    with app.test_request_context("/"):
        from flask_login import login_user

        from app.core.personal import is_sharing  # noqa: F401  (the module's globals are registered)

        login_user(user)
        from flask import g

        g.shahrvand_holes = []
        g.shahrvand_fragments = (("key",), {"part": None})
        with pytest.raises(RuntimeError, match="inside a shared fragment"):
            render_template_string('{% call fragment("part") %}{{ own_part("reader-name") }}{% endcall %}')


def test_a_slots_hole_filled_by_the_view_inside_a_shared_fragment_is_refused(app, make):
    """Views fill other packages' slots before the page renders (app.core.hooks): a hole made there
    is only text by the time a fragment keeps it, and is refused all the same."""
    user = make.user()
    with app.test_request_context("/"):
        from flask import g
        from flask_login import login_user

        from app.core.personal import personal

        login_user(user)
        g.shahrvand_holes = []
        part = personal("flag", (1,), False, (False, True), caller=lambda state: f"flagged: {state}")
        g.shahrvand_fragments = (("key",), {"part": None})
        with pytest.raises(RuntimeError, match="inside a shared fragment"):
            render_template_string('{% call fragment("part") %}{{ part }}{% endcall %}', part=part)


def test_a_page_with_a_message_is_not_shared(app, make):
    post = make.post()
    client = reader(app, make)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "پیامی فقط برای این خواننده")]
    assert "پیامی فقط برای این خواننده" in text(client, f"/posts/{post.id}")
    assert len(page_store()._pages) == 0
    assert "پیامی فقط برای این خواننده" not in page(reader(app, make), post)
