"""Attacks on the pages shared by signed-in readers (app.core.personal): one reader must never see
another's private state or controls, nor their own state from before their own change."""

from __future__ import annotations

import re

from app.accounts import services as accounts
from app.accounts.models import Role
from app.core import cache
from app.core.personal import page_store
from app.extensions import db
from app.posts import follows
from app.posts.models import PostKind, PostStatus
from app.posts.votes import OPPOSE, SUPPORT, cast_vote
from tests.core.test_page_versions import tokens
from tests.core.test_reader_pages import app_config, pressed, reader, text  # noqa: F401 -- the fixture too


def test_votes_and_follows_stay_each_readers_own_in_both_languages_both_orders(app, make):
    post = make.post(kind=PostKind.IDEA)
    a, b = make.user(), make.user()
    cast_vote(a, post, SUPPORT), cast_vote(b, post, OPPOSE)
    follows.follow_post(a, post)
    db.session.commit()
    ca, cb = reader(app, make, a), reader(app, make, b)
    for lang in ("fa", "en"):
        a.locale = b.locale = lang
        db.session.commit()
        for first, second in ((ca, cb), (cb, ca)):
            page_store().clear()
            for url in ("/", "/posts", f"/posts/{post.id}"):
                one, two = text(first, url), text(second, url)
                assert f'<html lang="{lang}"' in one and f'<html lang="{lang}"' in two
                mine = {ca: ["1"], cb: ["-1"]}
                assert pressed(one, post) == mine[first], (url, lang)
                assert pressed(two, post) == mine[second], (url, lang)
                assert not tokens(one) & tokens(two)
            a_page, b_page = text(ca, f"/posts/{post.id}"), text(cb, f"/posts/{post.id}")
            assert 'value="unfollow"' in a_page and 'value="unfollow"' not in b_page


def test_author_controls_never_reach_a_non_author_and_vice_versa(app, make):
    author = make.user()
    post = make.post(author=author)
    for first, second in ((author, None), (None, author)):
        page_store().clear()
        one = text(reader(app, make, first), f"/posts/{post.id}")
        two = text(reader(app, make, second), f"/posts/{post.id}")
        author_page, other_page = (one, two) if first is author else (two, one)
        assert f"/posts/{post.id}/edit" in author_page and f"/posts/{post.id}/edit" not in other_page
        assert f"/posts/{post.id}/withdraw" in author_page and f"/posts/{post.id}/withdraw" not in other_page


def test_a_commenters_edit_link_is_theirs_only_and_goes_when_the_window_closes(app, make, monkeypatch):
    post = make.post()
    commenter = make.user()
    comment = make.comment(post, author=commenter)
    edit = f"/comments/{comment.id}/edit"
    cc = reader(app, make, commenter)
    other = reader(app, make)
    assert edit in text(cc, f"/posts/{post.id}")
    assert edit not in text(other, f"/posts/{post.id}")
    # Sixteen minutes on (the page clock and the comments' clock)
    from datetime import timedelta

    from app.posts import comments

    now, real = cache._now(), comments.utcnow
    monkeypatch.setattr(cache, "_now", lambda: now + 16 * 60)
    monkeypatch.setattr(comments, "utcnow", lambda: real() + timedelta(minutes=16))
    assert edit not in text(cc, f"/posts/{post.id}")


def test_a_blocked_author_loses_edit_and_comment_form_on_a_kept_page(app, make):
    author = make.user()
    post = make.post(author=author)
    client = reader(app, make, author)
    html = text(client, f"/posts/{post.id}")
    assert f"/posts/{post.id}/edit" in html and f'action="/posts/{post.id}/comments"' in html
    accounts.block_user(author, "هرزنامه")
    db.session.commit()
    html = text(client, f"/posts/{post.id}")
    assert "هرزنامه" in html  # the banner, an own part
    assert f"/posts/{post.id}/edit" not in html
    assert f'action="/posts/{post.id}/comments"' not in html


def test_a_blocked_commenter_loses_the_comment_form_on_a_kept_page(app, make):
    post = make.post()
    commenter = make.user()
    make.comment(post, author=commenter)
    client = reader(app, make, commenter)
    assert f'action="/posts/{post.id}/comments"' in text(client, f"/posts/{post.id}")
    accounts.block_user(commenter, "هرزنامه")
    db.session.commit()
    assert f'action="/posts/{post.id}/comments"' not in text(client, f"/posts/{post.id}")


def test_a_blocked_staff_member_loses_the_internal_notes_on_a_kept_page(app, make):
    """Blocking takes every power away (app.accounts.permissions.is_staff_of): the staff panel and its
    internal notes go at once, though the block bumps no generation."""
    from app.departments import services as departments

    post = make.post(PostStatus.IN_PROGRESS)
    staff = make.user(Role.STAFF, department=post.department)
    departments.add_internal_note(post, staff, "یادداشت محرمانه")
    db.session.commit()
    client = reader(app, make, staff)
    assert "staff-panel" in text(client, f"/posts/{post.id}") and "یادداشت محرمانه" in text(client, f"/posts/{post.id}")
    accounts.block_user(staff, "سوءاستفاده")
    db.session.commit()
    html = text(client, f"/posts/{post.id}")
    assert "staff-panel" not in html and "یادداشت محرمانه" not in html


def test_a_blocked_moderator_no_longer_reads_a_waiting_post_from_a_kept_page(app, make):
    """A blocked moderator neither moderates nor sees what waits (app.posts.permissions.can_view_post):
    rendered afresh the page is a 404; the page kept for them before the block must not answer 200."""
    post = make.post(PostStatus.PENDING)
    moderator = make.user(Role.MODERATOR)
    client = reader(app, make, moderator)
    text(client, f"/posts/{post.id}")  # kept for this moderator
    accounts.block_user(moderator, "سوءاستفاده")
    db.session.commit()
    assert client.get(f"/posts/{post.id}").status_code == 404


def test_an_unverified_resident_gets_no_forms_and_a_verified_one_no_banner(app, make):
    post = make.post()
    unverified = make.user(verified=False)
    verified_client = reader(app, make)
    for first in ("unverified", "verified"):
        page_store().clear()
        order = (reader(app, make, unverified), verified_client)
        if first == "verified":
            order = order[::-1]
        pages = {}
        for client in order:
            for url in ("/posts", f"/posts/{post.id}"):
                pages[(client is verified_client, url)] = text(client, url)
        for url in ("/posts", f"/posts/{post.id}"):
            assert f'action="/posts/{post.id}/vote"' in pages[(True, url)]
            assert f'action="/posts/{post.id}/vote"' not in pages[(False, url)]


def test_staff_of_two_departments_see_only_their_own_menu_and_panels(app, make):
    from app.departments import services as departments

    post = make.post(PostStatus.IN_PROGRESS)
    sx, sy = make.user(Role.STAFF, department=post.department), make.user(Role.STAFF)
    admin = make.user(Role.ADMIN)
    departments.add_internal_note(post, sx, "یادداشت درونی ایکس")
    db.session.commit()
    cx, cy, ca, cr = reader(app, make, sx), reader(app, make, sy), reader(app, make, admin), reader(app, make)
    for order in ((cx, cy, ca, cr), (cr, ca, cy, cx)):
        page_store().clear()
        pages = {c: (text(c, "/posts"), text(c, f"/posts/{post.id}")) for c in order}
        for client in (cx, ca):
            assert "staff-panel" in pages[client][1] and "یادداشت درونی ایکس" in pages[client][1]
        for client in (cy, cr):
            assert "staff-panel" not in pages[client][1] and "یادداشت درونی ایکس" not in pages[client][1]
        assert 'id="nav-moderation"' in pages[ca][0] and 'id="nav-moderation"' not in pages[cx][0]
        assert not tokens(pages[cx][0]) & tokens(pages[cy][0])


def test_a_flash_message_is_shown_to_its_reader_alone(app, make):
    post = make.post()
    a, b = make.user(), make.user()
    ca, cb = reader(app, make, a), reader(app, make, b)
    text(cb, "/posts")  # kept
    with ca.session_transaction() as session:
        session["_flashes"] = [("success", "پیام خصوصی الف")]
    assert "پیام خصوصی الف" in text(ca, "/posts")
    assert "پیام خصوصی الف" not in text(cb, "/posts")
    assert "پیام خصوصی الف" not in text(ca, "/posts")  # once
    assert post


def test_query_strings_key_their_own_pages(app, make):
    for n in range(3):
        make.post(title=f"چاله شماره {n} در خیابان")
    app.config["POSTS_PER_PAGE"] = 2
    client = reader(app, make)
    one, two = text(client, "/posts"), text(client, "/posts?comment_page=2")
    assert one != two
    newest, other = text(client, "/posts?sort=newest"), text(reader(app, make), "/posts?sort=newest&kind=idea")
    assert newest != other
    assert len(page_store()._pages) == 4


def test_a_resident_promoted_to_moderator_sees_the_moderators_menu_at_once(app, make):
    from app.moderation import users

    make.post(PostStatus.PENDING)
    user = make.user()
    client = reader(app, make, user)
    assert 'id="nav-moderation"' not in text(client, "/posts")
    users.change_role(None, user, Role.MODERATOR)
    db.session.commit()
    assert 'id="nav-moderation"' in text(client, "/posts")
    users.change_role(None, user, Role.RESIDENT)
    db.session.commit()
    assert 'id="nav-moderation"' not in text(client, "/posts")


def test_names_with_html_and_bidi_are_escaped_in_every_hole(app, make):
    evil = make.user(display_name="\u202eAli\u202c <script>x</script>")
    post = make.post(author=evil)
    make.comment(post, author=evil)
    text(reader(app, make), f"/posts/{post.id}")
    html = text(reader(app, make, evil), f"/posts/{post.id}")
    assert "<script>x</script>" not in html
    html = text(reader(app, make), f"/posts/{post.id}")
    assert "<script>x</script>" not in html


def test_a_readers_language_is_theirs_on_a_page_another_rendered(app, make):
    post = make.post()
    persian, english = make.user(locale="fa"), make.user(locale="en")
    for url in ("/", "/posts", f"/posts/{post.id}"):
        assert '<html lang="fa"' in text(reader(app, make, persian), url)
        assert '<html lang="en"' in text(reader(app, make, english), url)


def test_the_comment_pages_edit_link_is_the_commenters_alone(app, make):
    app.config["COMMENTS_PER_PAGE"] = 2
    post = make.post()
    for _n in range(3):
        make.comment(post)
    commenter = make.user()
    comment = make.comment(post, author=commenter)
    edit = f"/comments/{comment.id}/edit"
    other, mine = reader(app, make), reader(app, make, commenter)
    pages = [
        f"/posts/{post.id}",
        f"/posts/{post.id}?comment_page=2",
        f"/posts/{post.id}?comment_page=2&reply={comment.id}",
    ]
    for url in pages:
        text(other, url)  # kept for residents first
    assert any(edit in text(mine, url) for url in pages)
    for url in pages:
        assert edit not in text(other, url), url
        assert edit not in text(reader(app, make), url), url


def test_a_new_comment_makes_its_author_a_reader_of_their_own(app, make):
    """A resident who comments leaves the residents' shared page at once (their comment's Edit link)."""
    post = make.post()
    user = make.user()
    client = reader(app, make, user)
    html = text(client, f"/posts/{post.id}")
    token = next(iter(tokens(html)))
    answer = client.post(f"/posts/{post.id}/comments", data={"body": "نظر تازه‌ی من اینجاست.", "csrf_token": token})
    assert answer.status_code in (302, 303)
    html = text(client, f"/posts/{post.id}")
    assert re.search(r"/comments/\d+/edit", html)
    assert not re.search(r"/comments/\d+/edit", text(reader(app, make), f"/posts/{post.id}"))
