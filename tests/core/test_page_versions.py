"""A write touches the pages that show it, and only those: a vote or a comment on one post leaves
every other post's page (and its shared parts for signed-in users) cached, and its own page fresh.
Shared parts never carry another user's vote, token or tools."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered

from app.accounts.models import Role
from app.accounts.services import start_session
from app.core.cache import page_cache
from app.extensions import db
from app.moderation import flags
from app.moderation.models import FlagReason
from app.posts.models import PostStatus
from app.posts.votes import SUPPORT, cast_vote


@pytest.fixture(params=["parts", "whole pages"])
def app_config(app_config, request):
    """Every test twice: with shared parts only, and with whole pages shared by readers (app.core.personal)."""
    reader_pages = {"READER_PAGE_CACHE_SIZE": 0} if request.param == "parts" else {}
    return app_config | {"WTF_CSRF_ENABLED": True} | reader_pages  # as in production: every form carries its token


def whole_pages(app) -> bool:
    return app.config["READER_PAGE_CACHE_SIZE"] > 0


@contextmanager
def rendered_templates(app):
    names: list[str] = []

    def record(_sender, template, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def sign_in(client, user) -> None:
    start_session(user)
    db.session.commit()
    with client.session_transaction() as session:  # signed in, as Flask-Login records it
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def page(client, post) -> str:
    response = client.get(f"/posts/{post.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)) | set(
        re.findall(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    )


def test_a_vote_on_one_post_leaves_another_posts_visitor_page_cached_and_its_own_fresh(client, make, app):
    voted, other = make.post(), make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    voter = make.user()  # (a new account is a public write of its own)
    page(client, voted), page(client, other)
    cast_vote(voter, voted, SUPPORT)
    db.session.commit()
    with rendered_templates(app) as names:
        page(client, other)
    assert names == []  # served from the cache
    assert 'class="vote-number">1<' in page(client, voted)


def test_a_comment_on_one_post_leaves_another_posts_visitor_page_cached_and_shows_at_once(client, make, app):
    commented, other = make.post(), make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    commenter = make.user()
    page(client, commented), page(client, other)
    make.comment(commented, author=commenter, body="دیدگاه تازه‌ای که باید دیده شود")
    with rendered_templates(app) as names:
        page(client, other)
    assert names == []
    assert "دیدگاه تازه‌ای که باید دیده شود" in page(client, commented)


def test_a_vote_on_one_post_leaves_another_posts_shared_parts_cached_for_signed_in_users(client, make, app):
    voted, other = make.post(), make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    make.comment(other)
    voter = make.user()
    sign_in(client, make.user())
    page(client, other)
    cast_vote(voter, voted, SUPPORT)
    db.session.commit()
    with rendered_templates(app) as names:
        page(client, other)
    # The page is rendered around its cached parts (a part's panels are rendered only with it), or not at all.
    assert "posts/show.html" not in names if whole_pages(app) else "posts/show.html" in names
    assert "moderation/_post_notices.html" not in names
    cast_vote(make.user(), other, SUPPORT)
    make.comment(other, body="دیدگاهی پس از رأی")
    html = page(client, other)
    assert 'class="vote-number">1<' in html and "دیدگاهی پس از رأی" in html


def test_an_edited_post_and_a_hidden_comment_show_at_once_to_visitors_and_signed_in_users(client, make, app):
    post = make.post()
    comment = make.comment(post, body="دیدگاهی که پنهان خواهد شد")
    visitor = app.test_client()
    page(visitor, post)
    sign_in(client, make.user())
    page(client, post)
    post.title = "عنوان روشن‌تر از سوی ناظر"
    db.session.commit()
    flags.uphold(make.user(Role.MODERATOR), comment, FlagReason.SPAM)
    db.session.commit()
    for html in (page(visitor, post), page(client, post)):
        assert "عنوان روشن‌تر از سوی ناظر" in html
        assert "دیدگاهی که پنهان خواهد شد" not in html


def test_a_hidden_post_is_gone_at_once_from_a_cached_page(client, make, app):
    post = make.post()
    page(client, post)
    flags.uphold(make.user(Role.MODERATOR), post, FlagReason.SPAM)
    db.session.commit()
    assert client.get(f"/posts/{post.id}").status_code == 404


def test_a_resident_never_sees_another_residents_vote_or_token_from_a_shared_part(client, make, app):
    post = make.post(PostStatus.PUBLISHED)
    make.comment(post)
    first, second = make.user(), make.user()
    cast_vote(first, post, SUPPORT)
    db.session.commit()
    sign_in(client, first)
    first_page = page(client, post)
    other_client = app.test_client()
    sign_in(other_client, second)
    with rendered_templates(app) as names:
        second_page = page(other_client, post)
    assert "moderation/_post_notices.html" not in names  # the parts came from the first resident's render
    assert 'aria-pressed="true"' in first_page and 'aria-pressed="true"' not in second_page
    assert tokens(first_page) and tokens(second_page)
    assert not tokens(first_page) & tokens(second_page)
    assert len(tokens(second_page)) == 1  # one token, the second resident's own, in every form


def test_a_moderators_tools_never_reach_a_residents_page(client, make, app):
    post = make.post()
    make.comment(post)
    sign_in(client, make.user(Role.MODERATOR))
    moderator_page = page(client, post)
    resident_client = app.test_client()
    sign_in(resident_client, make.user())
    resident_page = page(resident_client, post)
    assert 'name="decision"' in moderator_page and 'name="decision"' not in resident_page


def test_a_commenter_sees_the_edit_link_of_their_comment_and_nobody_else_does(client, make, app):
    post = make.post()
    author = make.user()
    comment = make.comment(post, author=author)
    other_client = app.test_client()
    sign_in(other_client, make.user())
    edit_link = f"/comments/{comment.id}/edit"
    assert edit_link not in page(other_client, post)
    sign_in(client, author)
    assert edit_link in page(client, post)
    assert edit_link not in page(other_client, post)


def test_lists_follow_votes_at_once(client, make):
    post = make.post()
    client.get("/posts")
    cast_vote(make.user(), post, SUPPORT)
    db.session.commit()
    html = client.get("/posts?sort=supported").get_data(as_text=True)
    assert len(page_cache()._pages) == 2 and post.title in html


def test_a_resolved_problems_page_is_cached_for_visitors(client, make):
    post = make.post(PostStatus.RESOLVED)
    response = client.get(f"/posts/{post.id}")
    assert "Is it fixed" in response.get_data(as_text=True) or "is-it-fixed" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert len(page_cache()._pages) == 1


def test_an_authors_edit_after_approval_shows_at_once_to_everyone(client, make, app):
    from app.posts.services import edit_post

    post = make.post()
    make.comment(post)
    visitor, resident = app.test_client(), app.test_client()
    sign_in(resident, make.user())
    sign_in(client, post.author)
    for each in (visitor, resident, client):
        page(each, post)
    edit_post(post, title=post.title, body="متن درست‌شده‌ی گزارش پس از تأیید", category=post.category, editor=post.author)
    db.session.commit()
    for each in (visitor, resident, client):
        assert "متن درست‌شده‌ی گزارش پس از تأیید" in page(each, post)


def test_a_withdrawal_shows_at_once_and_the_author_loses_the_withdraw_link(client, make, app):
    from app.moderation import workflow

    post = make.post()
    make.comment(post)
    visitor, resident = app.test_client(), app.test_client()
    sign_in(resident, make.user())
    sign_in(client, post.author)
    withdraw = f"/posts/{post.id}/withdraw"
    assert withdraw in page(client, post)
    page(visitor, post), page(resident, post)
    workflow.transition(post, "withdraw", post.author, note="دیگر لازم نیست")
    db.session.commit()
    assert visitor.get(f"/posts/{post.id}").status_code == 404
    assert resident.get(f"/posts/{post.id}").status_code == 404
    html = page(client, post)
    assert withdraw not in html and f"/posts/{post.id}/edit" not in html


@pytest.mark.parametrize("author_first", [True, False])
def test_the_authors_edit_and_withdraw_links_reach_only_the_author(client, make, app, author_first):
    post = make.post()
    make.comment(post)
    sign_in(client, post.author)
    resident = app.test_client()
    sign_in(resident, make.user())
    moderator = app.test_client()
    sign_in(moderator, make.user(Role.MODERATOR))
    links = (f"/posts/{post.id}/edit", f"/posts/{post.id}/withdraw")
    order = (client, resident, moderator) if author_first else (resident, moderator, client)
    pages = {each: page(each, post) for each in order}
    assert all(link in pages[client] for link in links)
    for other in (resident, moderator):
        assert not any(link in pages[other] for link in links)


def test_the_support_bar_is_each_residents_own_under_shared_parts(client, make, app):
    post = make.post()
    make.comment(post)
    first, second = make.user(), make.user()
    cast_vote(first, post, SUPPORT)
    db.session.commit()
    sign_in(client, first)
    response = client.post(f"/posts/{post.id}/follow", data={"action": "follow", "csrf_token": _token(client, post)})
    assert response.status_code in (200, 302)
    first_page = page(client, post)
    other = app.test_client()
    sign_in(other, second)
    with rendered_templates(app) as names:
        second_page = page(other, post)
    assert "moderation/_post_notices.html" not in names  # the shared parts came from the first page
    # The support bar (and its flag link) is rendered for each, or chosen for each from the shared page.
    assert whole_pages(app) or "moderation/_flag_post.html" in names
    assert 'value="unfollow"' in first_page and 'value="unfollow"' not in second_page
    assert 'aria-pressed="true"' not in second_page
    assert 'class="vote-number">1<' in second_page  # the count is everyone's


def _token(client, post) -> str:
    return next(iter(tokens(page(client, post))))


def test_a_duplicate_mark_and_its_undo_show_at_once_with_the_moved_supporters(client, make, app):
    from app.moderation import workflow

    original = make.post()
    duplicate = make.post(title="چاله‌ی بزرگ در خیابان امام رضا نزدیک حرم")
    cast_vote(make.user(), duplicate, SUPPORT)
    db.session.commit()
    resident = app.test_client()
    sign_in(resident, make.user())
    for each in (client, resident):
        assert 'class="vote-number">0<' in page(each, original)
        page(each, duplicate)
    moderator = make.user(Role.MODERATOR)
    workflow.transition(duplicate, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    for each in (client, resident):
        assert 'class="vote-number">1<' in page(each, original)
        assert f'href="/posts/{original.id}"' in page(each, duplicate)
    workflow.transition(duplicate, "not_duplicate", moderator)
    db.session.commit()
    for each in (client, resident):
        assert 'class="vote-number">0<' in page(each, original)
        assert 'class="vote-number">1<' in page(each, duplicate)


def test_a_staff_members_note_and_assignment_show_at_once_to_the_department(client, make, app):
    from app.departments import services as department_services

    post = make.post(PostStatus.FORWARDED)
    make.comment(post)
    staff = make.user(Role.STAFF, department=post.department)
    colleague = make.user(Role.STAFF, department=post.department)
    sign_in(client, staff)
    page(client, post)
    department_services.add_internal_note(post, colleague, "پیمانکار فردا صبح می‌رود")
    db.session.commit()
    assert "پیمانکار فردا صبح می‌رود" in page(client, post)
    department_services.assign_post(post, colleague, colleague)
    db.session.commit()
    assert "selected" in re.search(rf'<option[^>]*value="{colleague.id}"[^>]*>', page(client, post)).group(0)


def test_the_same_list_page_follows_a_vote_at_once(client, make):
    post = make.post()
    voter = make.user()  # (a new account is a public write of its own)

    def count_shown() -> str:
        return client.get("/posts").get_data(as_text=True).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))

    assert 'class="vote-number">0<' in count_shown()
    cast_vote(voter, post, SUPPORT)
    db.session.commit()
    assert 'class="vote-number">1<' in count_shown()
