"""The "posts I follow" page: the signed-in resident's followed posts, most recently active first, with
their status, one-click unfollow, pages, and an empty state."""

from datetime import timedelta

from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from app.posts import follows
from app.posts.models import Follow, PostStatus


def text(response) -> str:
    return response.get_data(as_text=True)


def test_someone_who_follows_nothing_sees_an_empty_state_with_a_way_on(client, make, auth):
    auth.login(make.user())
    page = text(client.get("/following/posts"))
    assert "هنوز پستی را دنبال نمی‌کنید" in page and 'href="/posts"' in page


def test_followed_posts_come_most_recently_active_first_with_their_status(client, make, auth):
    resident = make.user()
    quiet, busy = make.post(title="پست آرام محله‌ی ما"), make.post(PostStatus.FORWARDED, title="پست پرکار محله‌ی ما")
    unfollowed = make.post(title="پستی که دنبالش نمی‌کنم")
    for post in (quiet, busy):
        follows.follow_post(resident, post)
    quiet.last_activity_at = utcnow() - timedelta(days=3)
    db.session.commit()
    auth.login(resident)
    page = text(client.get("/following/posts"))
    assert page.index(busy.title) < page.index(quiet.title)
    assert "status-forwarded" in page and unfollowed.title not in page


def test_own_posts_are_there_and_a_withdrawn_one_stays_listed_without_a_link(client, make, auth):
    resident = make.user()
    own = make.post(PostStatus.PENDING, author=resident, title="پست خودم در انتظار")
    withdrawn = make.post(PostStatus.WITHDRAWN, title="پستی که نویسنده پس گرفت")
    hidden = make.post(PostStatus.REJECTED, title="پست ردشده‌ی دیگران")
    for post in (withdrawn, hidden):
        follows.follow_post(resident, post)
    db.session.commit()
    auth.login(resident)
    page = text(client.get("/following/posts"))
    assert f'href="/posts/{own.id}"' in page
    assert withdrawn.title in page and f'href="/posts/{withdrawn.id}"' not in page and "status-withdrawn" in page
    assert hidden.title not in page


def test_the_list_has_pages(app, client, make, auth):
    app.config["POSTS_PER_PAGE"] = 2
    resident = make.user()
    for n in range(3):
        follows.follow_post(resident, make.post(title=f"پست دنبال‌شده‌ی شماره {n}"))
    db.session.commit()
    auth.login(resident)
    first, second = text(client.get("/following/posts")), text(client.get("/following/posts?page=2"))
    assert first.count('class="list-group-item') == 2 and "page=2" in first
    assert second.count('class="list-group-item') == 1


def test_unfollowing_from_the_list_works_even_for_a_post_no_longer_open(client, make, auth):
    resident, post = make.user(), make.post(PostStatus.WITHDRAWN)
    follows.follow_post(resident, post)
    db.session.commit()
    auth.login(resident)
    assert client.post(f"/following/posts/{post.id}/unfollow").headers["Location"] == "/following/posts"
    assert db.session.scalar(select(Follow).where(Follow.user_id == resident.id)) is None
    response = client.post(f"/following/posts/{post.id}/unfollow", follow_redirects=True)
    assert "این پست را دنبال نمی‌کنید" in text(response)


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/following/posts").status_code == 302
    assert client.post("/following/posts/1/unfollow").status_code == 401


def test_things_i_follow_shows_the_latest_five_and_links_to_the_rest(client, make, auth):
    resident = make.user()
    for n in range(6):
        follows.follow_post(resident, make.post(title=f"پست دنبال‌شده‌ی شماره {n}"))
    db.session.commit()
    auth.login(resident)
    page = text(client.get("/following/"))
    assert page.count('followed-post"') == 5
    assert 'href="/following/posts"' in page
