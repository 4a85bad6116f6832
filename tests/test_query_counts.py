"""The pages with many rows run a fixed number of queries: twelve rows cost what two cost.

A query inside a template loop (or a lazy relationship read per row) is an N+1 that no other test
sees; these tests pin each page's count and show that it does not grow with the page's rows."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import flags, workflow
from app.moderation.models import FlagReason
from app.moderation.settings import Thresholds, update_thresholds
from app.posts.models import PostKind, PostStatus


def _queries(client, count_queries, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements)


def _same_for_two_and_twelve(client, count_queries, url: str, add_rows) -> int:
    add_rows(2)
    few = _queries(client, count_queries, url)
    add_rows(10)
    many = _queries(client, count_queries, url)
    assert many == few, f"{url}: {few} queries with 2 rows, {many} with 12"
    return few


def test_the_post_list_runs_the_same_queries_for_two_posts_and_twelve(client, auth, make, count_queries):
    auth.login(make.user())
    count = _same_for_two_and_twelve(
        client, count_queries, "/posts", lambda n: [make.supporters(make.post(), 1) for _ in range(n)]
    )
    assert count <= 7  # 6, and the lists' versions that a signed-in reader's shared page is kept under


def test_a_shared_list_page_is_served_in_four_queries(client, auth, make, count_queries):
    for _ in range(3):
        make.supporters(make.post(), 1)
    auth.login(make.user())
    for url in ("/posts", "/"):
        _queries(client, count_queries, url)  # rendered once for the readers of its class
        # The user, the lists' versions, the bell, the reader's votes on the cards.
        assert _queries(client, count_queries, url) <= 4, url


def test_the_front_page_runs_the_same_queries_for_two_posts_and_twelve(client, auth, make, count_queries):
    auth.login(make.user())
    count = _same_for_two_and_twelve(client, count_queries, "/", lambda n: [make.post() for _ in range(n)])
    assert count <= 10  # 8, the calls for ideas open now, and the lists' versions (a reader's shared page)


def test_a_vote_runs_seven_statements_and_one_more_for_an_idea_which_may_sit_in_a_call(
    client, auth, make, count_queries
):
    problem, idea = make.post().id, make.post(kind=PostKind.IDEA).id
    auth.login(make.user())
    for post_id, most in ((problem, 7), (idea, 8)):
        with count_queries() as statements:
            response = client.post(f"/posts/{post_id}/vote", data={"value": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.get_data(as_text=True)
        # The user, the post's own row with the vote held, the new vote, the lists' generation, the
        # index queue's row, the counters (UPDATE … RETURNING, the page version in it), the thresholds
        # (a published post may be forwarded by its votes); an idea's call's dates.
        assert len(statements) <= most, "\n".join(s[:90] for s in statements)


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MODERATOR])
def test_a_post_page_runs_the_same_queries_for_two_comments_and_twelve(client, auth, make, count_queries, role):
    post = make.post(PostStatus.FORWARDED)
    auth.login(make.user(role))
    count = _same_for_two_and_twelve(
        client, count_queries, f"/posts/{post.id}", lambda n: [make.comment(post) for _ in range(n)]
    )
    # The profile choice, the vectors' freshness, the page's versions; the viewer's vote, follow and
    # comment in one query; the department joined to the post.
    assert count <= {Role.RESIDENT: 12, Role.MODERATOR: 16}[role]


def test_a_post_page_whose_shared_parts_are_cached_runs_fewer_queries(client, auth, make, count_queries):
    post = make.post(PostStatus.FORWARDED)
    make.comment(post)
    auth.login(make.user())
    url = f"/posts/{post.id}"
    assert _queries(client, count_queries, url) <= 12
    # The whole page shared by residents: the user, the versions with the reader's vote and follow,
    # the bell, the reader's flag.
    assert _queries(client, count_queries, url) <= 4


def test_a_post_page_runs_the_same_queries_for_a_short_timeline_and_a_long_one(client, auth, make, count_queries):
    post = make.post(PostStatus.FORWARDED)
    department = post.department
    auth.login(make.user(Role.STAFF, department=department))

    def longer_timeline(n: int) -> None:
        for _ in range(n):  # each by another member of the department
            workflow.transition(post, "acknowledge", make.user(Role.STAFF, department=department), note="دیدیم")
        db.session.commit()

    count = _same_for_two_and_twelve(client, count_queries, f"/posts/{post.id}", longer_timeline)
    assert count <= 16  # 14, the author's profile choice, the vectors' freshness


def test_the_pending_tab_runs_the_same_queries_for_two_posts_and_twelve(client, auth, make, count_queries):
    auth.login(make.user(Role.MODERATOR))
    count = _same_for_two_and_twelve(
        client, count_queries, "/moderation/", lambda n: [make.post(PostStatus.PENDING) for _ in range(n)]
    )
    # 10, and the vectors' freshness once per request; the header and the tabs share one count of what waits.
    assert count <= 11


def test_the_promising_tab_runs_the_same_queries_for_two_posts_and_twelve(client, auth, make, count_queries):
    admin = make.user(Role.ADMIN)
    update_thresholds(admin, Thresholds(flag_hide=3, promising=0.1, auto_forward_enabled=False, auto_forward=40))
    db.session.commit()
    auth.login(make.user(Role.MODERATOR))
    count = _same_for_two_and_twelve(
        client, count_queries, "/moderation/promising", lambda n: [make.supporters(make.post(), 2) for _ in range(n)]
    )
    assert count <= 9  # the header and the tabs share one count of what waits


def test_the_flags_tab_runs_the_same_queries_for_two_flagged_posts_and_twelve(client, auth, make, count_queries):
    def flagged(n: int) -> None:
        for _ in range(n):
            flags.flag(make.user(), make.post(), FlagReason.SPAM)
        db.session.commit()

    auth.login(make.user(Role.MODERATOR))
    count = _same_for_two_and_twelve(client, count_queries, "/moderation/flags", flagged)
    assert count <= 9


def test_the_department_dashboard_runs_the_same_queries_for_two_posts_and_twelve(client, auth, make, count_queries):
    department = make.department()
    category = make.category(department=department)
    auth.login(make.user(Role.STAFF, department=department))
    count = _same_for_two_and_twelve(
        client,
        count_queries,
        f"/departments/{department.slug}",
        lambda n: [make.post(PostStatus.FORWARDED, category=category) for _ in range(n)],
    )
    assert count <= 8


def test_a_comment_sent_with_htmx_loads_only_its_section_not_the_rest_of_the_page(client, auth, make, count_queries):
    post = make.post(PostStatus.FORWARDED)
    auth.login(make.user())
    with count_queries() as statements:
        body = {"body": "این دیدگاه درباره‌ی همین پست است."}
        response = client.post(f"/posts/{post.id}/comments", data=body, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "این دیدگاه درباره‌ی همین پست است." in response.get_data(as_text=True)
    # The timeline, the flag form and the similar posts belong to the page around the section.
    assert not [s for s in statements if "FROM status_change" in s or "FROM flag" in s or "post_embedding" in s]


# ---------------------------------------------------------------------------- no SQL while rendering


@pytest.fixture
def sql_while_rendering(app, monkeypatch):
    """The SQL statements run while a template renders (Jinja evaluating it): views load what pages
    show, the header's counts and other packages' parts included, before the page renders."""
    from jinja2 import Template
    from sqlalchemy import event

    depth = [0]
    statements: list[str] = []
    render = Template.render

    def rendering(template, *args, **kwargs):
        depth[0] += 1
        try:
            return render(template, *args, **kwargs)
        finally:
            depth[0] -= 1

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if depth[0]:
            statements.append(statement)

    monkeypatch.setattr(Template, "render", rendering)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


MAIN_PAGES = (
    "/",
    "/posts",
    "/posts?kind=problem&sort=newest",
    "/search?q=پیاده‌روی",
    "/map",
    "/calls/",
    "/statistics",
    "/following/",
    "/me/posts",
    "/profile",
    "/notifications/",
    "/notifications/settings",
    "/posts/new",
    "/moderation/",
    "/moderation/promising",
    "/moderation/flags",
    "/moderation/edited",
    "/moderation/disputed",
    "/moderation/users",
    "/moderation/audit",
    "/moderation/settings",
    "/admin/departments",
    "/login",
    "/no-such-page",
)


def _pages_world(make) -> dict:
    post = make.post(PostStatus.FORWARDED)
    original = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    repeat = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد دوباره")
    moderator = make.user(Role.MODERATOR)
    workflow.transition(repeat, "mark_duplicate", moderator, original=original)
    make.post(PostStatus.PENDING, title="پیاده‌روی شکسته در بلوار وکیل‌آباد باز هم")
    flags.flag(make.user(), make.post(), FlagReason.SPAM)
    db.session.commit()
    top = make.comment(post)
    make.comment(post, parent=top)
    return {"post": post, "repeat": repeat}


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.MODERATOR, Role.STAFF, Role.ADMIN])
def test_main_pages_run_no_sql_while_they_render(client, auth, make, world_kept, role, sql_while_rendering):
    world = world_kept(_pages_world)
    post, repeat = world["post"], world["repeat"]
    if role is not None:
        user = make.user(role, department=post.department) if role is Role.STAFF else make.user(role)
        auth.login(user)
    pages = (*MAIN_PAGES, f"/posts/{post.id}", f"/posts/{repeat.id}", f"/departments/{post.department.slug}")
    # Again: signed-in readers are served these kept, with their own parts rendered into the holes.
    for url in (*pages, "/", "/posts", f"/posts/{post.id}"):
        sql_while_rendering.clear()
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        assert sql_while_rendering == [], f"{url}: SQL while rendering: {sql_while_rendering}"


def test_sql_while_rendering_is_caught(app, make, sql_while_rendering):
    from flask import render_template_string
    from sqlalchemy import select

    from app.posts.models import Post

    post_id = make.post(PostStatus.FORWARDED).id
    with app.test_request_context():
        db.session.expire_all()
        post = db.session.scalar(select(Post).where(Post.id == post_id))
        render_template_string("{{ post.department.slug }}", post=post)
    assert len(sql_while_rendering) == 1
