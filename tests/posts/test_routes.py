"""The post pages as residents meet them: lists, a post, writing, voting, commenting, following."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.posts.models import Comment, Follow, Post, PostKind, PostStatus, Vote

GOOD = {
    "kind": "problem",
    "title": "چراغ‌های کوچه‌ی ما خاموش است",
    "body": "از هفته‌ی گذشته چراغ‌های کوچه خاموش است و شب‌ها کاملاً تاریک است.",
    "address": "بلوار وکیل‌آباد",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_published_posts_only(client, make):
    published = make.post(title="منتشر شده برای همه")
    pending = make.post(PostStatus.PENDING, title="هنوز در انتظار بررسی")
    rejected = make.post(PostStatus.REJECTED, title="این یکی رد شده است")
    page = text(client.get("/posts"))
    assert published.title in page
    assert pending.title not in page and rejected.title not in page


@pytest.mark.parametrize("sort", ["newest", "supported", "hot"])
def test_every_order_lists_posts(client, make, sort):
    post = make.post()
    assert post.title in text(client.get(f"/posts?sort={sort}"))


def test_filters_by_kind_category_and_status(client, make):
    category = make.category()
    idea = make.post(kind=PostKind.IDEA, category=category, title="ایده‌ای برای پارک محله")
    problem = make.post(title="مشکلی در خیابان اصلی")
    resolved = make.post(PostStatus.RESOLVED, title="مشکلی که حل شده است")
    assert idea.title in text(client.get("/posts?kind=idea")) and problem.title not in text(
        client.get("/posts?kind=idea")
    )
    assert idea.title in text(client.get(f"/posts?category={category.id}"))
    assert problem.title not in text(client.get(f"/posts?category={category.id}"))
    page = text(client.get("/posts?status=resolved"))
    assert resolved.title in page and problem.title not in page


def test_the_filter_form_shows_the_filters_in_force_and_forgets_odd_values(client, make):
    category = make.category()
    page = text(client.get(f"/posts?kind=idea&category={category.id}&status=zzz&sort=newest"))
    form = page[page.index('class="filter-form') :].split("</form>")[0]
    assert '<option selected value="idea">' in form and f'<option selected value="{category.id}">' in form
    assert '<option selected value="">' in form.split('id="f-status"')[1].split("</select>")[0]
    assert '<option selected value="newest">' in form
    map_form = text(client.get("/map?kind=problem")).split('class="filter-form')[1].split("</form>")[0]
    assert '<option selected value="problem">' in map_form and 'id="f-sort"' not in map_form


@pytest.mark.parametrize(
    "query",
    [
        "kind=zzz",
        "category=abc",
        "status=pending",
        "status=<script>alert(1)</script>",
        "sort=evil",
        "page=-3",
        "page=abc",
        "page=99999999999999999999",
        "category=99999",
        "endpoint=x&_external=1",
    ],
)
def test_nonsense_in_the_query_string_never_breaks_the_list(client, make, query):
    make.post()
    response = client.get(f"/posts?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)" not in text(response)


def test_status_filter_cannot_reveal_pending_posts(client, make):
    pending = make.post(PostStatus.PENDING, title="در انتظار و پنهان")
    assert pending.title not in text(client.get("/posts?status=pending"))


def test_pagination(client, make, app):
    app.config["POSTS_PER_PAGE"] = 2
    titles = [make.post(title=f"پست شماره‌ی {n} برای صفحه‌بندی").title for n in range(5)]
    first, third = text(client.get("/posts?sort=newest")), text(client.get("/posts?sort=newest&page=3"))
    assert titles[4] in first and titles[3] in first and titles[2] not in first
    assert titles[0] in third and 'rel="next"' not in third


def test_post_page_shows_the_post_safely(client, make):
    post = make.post(body="<script>alert(1)</script> ببینید https://mashhad.ir/news?a=1&b=2\nخط دوم")
    page = text(client.get(f"/posts/{post.id}"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert '<a href="https://mashhad.ir/news?a=1&amp;b=2" rel="nofollow ugc noopener noreferrer"' in page
    assert "<br>" in page


def test_pending_post_is_visible_to_its_author_only(client, make, auth):
    post = make.post(PostStatus.PENDING)
    assert client.get(f"/posts/{post.id}").status_code == 404
    auth.login(make.user())
    assert client.get(f"/posts/{post.id}").status_code == 404
    auth.logout()
    auth.login(post.author)
    assert "در انتظار بررسی" in text(client.get(f"/posts/{post.id}"))


def test_unknown_post_is_404(client):
    assert client.get("/posts/999999").status_code == 404
    assert client.get("/posts/abc").status_code == 404


def test_writing_a_post_needs_an_account(client):
    response = client.get("/posts/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_resident_submits_a_problem(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post("/posts/new", data=GOOD | {"category": category.id})
    assert response.status_code == 302
    db.session.rollback()
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    assert (post.title, post.status, post.address) == (GOOD["title"], PostStatus.PENDING, GOOD["address"])
    assert response.headers["Location"] == f"/posts/{post.id}"


@pytest.mark.parametrize(
    ("change", "message_fragment"),
    [
        ({"title": ""}, "title"),
        ({"title": "ت" * 151}, "title"),
        ({"body": "کوتاه"}, "body"),
        ({"body": "ب" * 5001}, "body"),
        ({"category": ""}, "category"),
        ({"category": "99999"}, "category"),
        ({"category": "abc"}, "category"),
        ({"kind": "complaint"}, "kind"),
        ({"address": "آ" * 301}, "address"),
    ],
)
def test_bad_posts_are_refused_and_nothing_typed_is_lost(client, make, auth, change, message_fragment):
    category = make.category()
    auth.login(make.user())
    data = GOOD | {"category": category.id} | change
    response = client.post("/posts/new", data=data)
    assert response.status_code == 422
    page = text(response)
    assert f'id="{message_fragment}-error"' in page or message_fragment == "kind"
    for field in ("title", "body"):
        if field not in change:
            assert GOOD[field] in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_category_must_accept_the_kind(client, make, auth):
    ideas_only = make.category(accepts_problems=False)
    auth.login(make.user())
    response = client.post("/posts/new", data=GOOD | {"category": ideas_only.id})
    assert response.status_code == 422 and 'id="category-error"' in text(response)


def test_author_edits_own_pending_post_but_not_someone_elses(client, make, auth):
    post = make.post(PostStatus.PENDING)
    data = {"title": "عنوان ویرایش‌شده‌ی تازه", "body": GOOD["body"], "category": post.category_id}
    auth.login(make.user())
    assert client.post(f"/posts/{post.id}/edit", data=data).status_code == 404  # cannot even see it
    auth.logout()
    auth.login(post.author)
    assert client.post(f"/posts/{post.id}/edit", data=data).status_code == 302
    db.session.rollback()
    assert db.session.get(Post, post.id).title == "عنوان ویرایش‌شده‌ی تازه"


@pytest.mark.parametrize("status", [PostStatus.RESOLVED, PostStatus.REJECTED, PostStatus.WITHDRAWN])
def test_closed_rejected_or_withdrawn_post_cannot_be_edited(client, make, auth, status):
    post = make.post(status)
    auth.login(post.author)
    assert client.get(f"/posts/{post.id}/edit").status_code == 403


def test_vote_without_javascript_redirects_back(client, make, auth):
    post = make.post()
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/vote", data={"value": "1", "next": "/posts?sort=newest"})
    assert response.headers["Location"] == "/posts?sort=newest"
    response = client.post(f"/posts/{post.id}/vote", data={"value": "1", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    db.session.rollback()
    assert db.session.get(Post, post.id).support == 0  # the second vote took it back


def test_vote_with_htmx_returns_the_widget(client, make, auth):
    post = make.post()
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/vote", data={"value": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="vote-{post.id}"' in text(response) and 'aria-pressed="true"' in text(response)


@pytest.mark.parametrize("value", ["", "0", "2", "abc", "-1"])
def test_bad_votes_are_refused(client, make, auth, value):
    post = make.post(kind=PostKind.PROBLEM)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/vote", data={"value": value}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_voting_needs_an_account_and_a_visible_post(client, make, auth):
    post = make.post()
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 401
    auth.login(make.user())
    pending = make.post(PostStatus.PENDING)
    assert client.post(f"/posts/{pending.id}/vote", data={"value": "1"}).status_code == 404
    assert client.post("/posts/424242/vote", data={"value": "1"}).status_code == 404


def test_comment_and_reply_one_level_deep(client, make, auth):
    post = make.post()
    auth.login(make.user())
    client.post(f"/posts/{post.id}/comments", data={"body": "دیدگاه نخست درباره‌ی این مشکل"})
    db.session.rollback()
    first = db.session.scalar(select(Comment))
    client.post(f"/posts/{post.id}/comments", data={"body": "پاسخ به دیدگاه", "parent_id": first.id})
    db.session.rollback()
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == first.id))
    client.post(f"/posts/{post.id}/comments", data={"body": "پاسخ به پاسخ", "parent_id": reply.id})
    db.session.rollback()
    deepest = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
    assert deepest.parent_id == first.id
    assert db.session.get(Post, post.id).comment_count == 3


@pytest.mark.parametrize("body", ["", " ", "x", "د" * 2001])
def test_bad_comments_are_refused_and_kept(client, make, auth, body):
    post = make.post()
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": body})
    assert response.status_code == 422
    assert 'id="body-error"' in text(response)


def test_reply_to_a_comment_of_another_post_is_refused(client, make, auth):
    other = make.comment(make.post())
    post = make.post()
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": "پاسخ نابجا", "parent_id": other.id})
    assert response.status_code == 422


def test_no_comments_on_pending_posts(client, make, auth):
    post = make.post(PostStatus.PENDING)
    auth.login(post.author)
    assert client.post(f"/posts/{post.id}/comments", data={"body": "دیدگاه روی پست در انتظار"}).status_code == 403


def test_comment_edit_is_for_its_author_within_the_window(client, make, auth, app):
    comment = make.comment(make.post())
    auth.login(make.user())
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "تغییر دیگری"}).status_code == 403
    auth.logout()
    auth.login(comment.author)
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "متن تازه‌ی دیدگاه"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Comment, comment.id).edited_at is not None
    app.config["COMMENT_EDIT_MINUTES"] = 0
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "باز هم تغییر"}).status_code == 403


def test_follow_and_unfollow(client, make, auth):
    post = make.post()
    user = make.user()
    auth.login(user)
    client.post(f"/posts/{post.id}/follow", data={"action": "follow"})
    client.post(f"/posts/{post.id}/follow", data={"action": "follow"})  # twice is harmless
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == user.id)) == 1
    client.post(f"/posts/{post.id}/follow", data={"action": "unfollow"})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == user.id)) == 0


def test_my_posts_lists_every_status(client, make, auth):
    author = make.user()
    pending = make.post(PostStatus.PENDING, author=author, title="پست من در انتظار")
    rejected = make.post(PostStatus.REJECTED, author=author, title="پست ردشده‌ی من")
    auth.login(author)
    page = text(client.get("/me/posts"))
    assert pending.title in page and rejected.title in page


def test_home_page(client, make):
    post = make.post(title="پستی برای صفحه‌ی اصلی")
    page = text(client.get("/"))
    assert post.title in page and 'dir="rtl"' in page
