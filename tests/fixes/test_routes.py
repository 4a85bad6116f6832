"""The "is it fixed?" routes: who may answer, odd input, CSRF, and the statistics beside them."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.fixes import services, stats
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts import follows
from app.posts import photos as photo_store
from app.posts.models import Photo, PostKind, PostStatus
from tests.factories import PASSWORD
from tests.posts.test_photos import image_bytes

ROLES = ["visitor", "resident", "follower", "author", "moderator", "staff", "admin", "blocked"]
# Expected status for: open the question, answer yes, open the moderators' list of disputed fixes.
MATRIX = {
    "visitor": (302, 401, 302),  # a POST is not sent through the sign-in page
    "resident": (403, 403, 403),
    "follower": (200, 302, 403),
    "author": (200, 302, 403),
    "moderator": (403, 403, 200),
    "staff": (403, 403, 403),
    "admin": (403, 403, 200),
    "blocked": (403, 403, 403),
}


def _resolved(make, kind=PostKind.PROBLEM):
    post = make.post(PostStatus.IN_PROGRESS, kind=kind)
    workflow.transition(post, "resolve", make.user(Role.STAFF, department=post.department), note="انجام شد")
    db.session.commit()
    return post


@pytest.mark.parametrize("role", ROLES)
def test_who_may_answer_and_who_sees_the_disputes(client, make, auth, role):
    post = _resolved(make)
    if role == "author":
        auth.login(post.author)
    elif role == "follower":
        follower = make.user()
        follows.follow_post(follower, post)
        db.session.commit()
        auth.login(follower)
    elif role == "blocked":
        auth.login(make.user(is_blocked=True))
    elif role == "staff":
        auth.login(make.user(Role.STAFF, department=post.department))
    elif role != "visitor":
        auth.login(make.user(Role(role)))
    show, answer, disputed = MATRIX[role]
    assert client.get(f"/posts/{post.id}/is-it-fixed").status_code == show
    assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == answer
    assert client.get("/moderation/disputed").status_code == disputed


@pytest.mark.parametrize("status", [PostStatus.PUBLISHED, PostStatus.FORWARDED, PostStatus.DECLINED])
def test_only_a_resolved_post_takes_an_answer(client, make, auth, status):
    post = make.post(status)
    auth.login(post.author)
    assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == 403


def test_a_resolved_idea_takes_no_answer(client, make, auth):
    post = _resolved(make, kind=PostKind.IDEA)
    auth.login(post.author)
    assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == 403
    assert "is-it-fixed-title" not in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_a_post_that_is_not_public_is_not_found(client, make, auth):
    post = make.post(PostStatus.PENDING)
    auth.login(make.user())
    assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == 404
    assert client.post("/posts/999999/is-it-fixed", data={"answer": "yes"}).status_code == 404


@pytest.mark.parametrize(
    "data",
    [{}, {"answer": ""}, {"answer": "maybe"}, {"answer": "no"}, {"answer": "no", "note": "x" * 2001}],
)
def test_odd_answers_are_refused_with_the_form_again(client, make, auth, data):
    post = _resolved(make)
    auth.login(post.author)
    response = client.post(f"/posts/{post.id}/is-it-fixed", data=data)
    assert response.status_code == 422
    assert 'class="fix-answer-form"' in response.get_data(as_text=True)
    assert services.fix_counts(post) == services.FixCounts()


def test_a_long_note_that_is_refused_is_given_back(client, make, auth):
    post = _resolved(make)
    auth.login(post.author)
    note = "خیابان هنوز خراب است " * 100
    response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": note})
    assert response.status_code == 422
    assert note.strip()[:200] in response.get_data(as_text=True)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_an_answer_without_the_token_changes_nothing(self, client, make):
        post = _resolved(make)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": post.author.email, "password": PASSWORD, "csrf_token": token})
        assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == 400
        assert services.fix_counts(post) == services.FixCounts()
        form = client.get(f"/posts/{post.id}").get_data(as_text=True).split('class="fix-answer-form"')[1]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes", "csrf_token": token})
        assert response.status_code == 302
        assert services.fix_counts(post).confirmed == 1


# Statistics


def _backdate(post, days_before_resolution: float) -> None:
    """Put the post's forwarding this many days before its resolution."""
    forward = db.session.scalar(
        db.select(StatusChange).where(StatusChange.post_id == post.id, StatusChange.action == "forward")
    )
    resolve = services.latest_resolution(post)
    forward.created_at = resolve.created_at - timedelta(days=days_before_resolution)
    db.session.commit()


def test_statistics_give_the_share_confirmed_and_the_median_days_to_a_confirmed_fix(client, make):
    department = make.department()
    category = make.category(department=department)
    posts = []
    for days in (2, 4, 30, 9):
        post = make.post(PostStatus.RESOLVED, category=category)
        _backdate(post, days)
        posts.append(post)
    services.confirm_fix(posts[0], posts[0].author)
    services.confirm_fix(posts[1], posts[1].author)
    services.dispute_fix(posts[2], posts[2].author, "درست نشده")
    db.session.commit()
    (row,) = stats.confirmation_stats()
    assert (row.department.id, row.resolved, row.confirmed, row.disputed) == (department.id, 4, 2, 1)
    assert row.confirmed_share == 0.5
    assert row.median_days_to_confirmed_fix == pytest.approx(3.0)
    client.set_cookie("lang", "en")
    page = client.get("/statistics").get_data(as_text=True)
    table = page.split('id="fix-confirmations"')[1].split("</table>")[0]
    assert "2 (50%)" in table and "3.0" in table
    client.set_cookie("lang", "fa")
    persian = client.get("/statistics").get_data(as_text=True)
    assert "۲ (۵۰٪)" in persian.split('id="fix-confirmations"')[1]


def test_resolutions_outside_the_window_are_not_counted(make):
    post = make.post(PostStatus.RESOLVED)
    services.latest_resolution(post).created_at -= timedelta(days=200)
    db.session.commit()
    assert stats.confirmation_stats() == []


# --- a photo with "not fixed" ------------------------------------------------------------------


def _png() -> bytes:
    return image_bytes("PNG")


def test_a_photo_sent_with_not_fixed_joins_the_post_credited_to_the_resident(client, make, auth):
    post = _resolved(make)
    auth.login(post.author)
    response = client.post(
        f"/posts/{post.id}/is-it-fixed",
        data={"answer": "no", "note": "هنوز چاله هست", "photo": (io.BytesIO(_png()), "now.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    question = db.session.scalar(select(FixQuestion).where(FixQuestion.post_id == post.id))
    assert question.answer is FixAnswer.DISPUTED and question.photo is not None
    assert question.photo.post_id == post.id and question.photo.uploaded_by_id == post.author_id
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert f"/photos/{question.photo.id}/thumb" in page.split('id="is-it-fixed"')[1]  # shown with the answers


def test_a_photo_is_kept_when_the_note_is_missing_and_used_on_the_next_try(client, make, auth):
    post = _resolved(make)
    auth.login(post.author)
    response = client.post(
        f"/posts/{post.id}/is-it-fixed",
        data={"answer": "no", "note": "", "photo": (io.BytesIO(_png()), "now.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    token = re.search(r'name="kept_photos"[^>]*value="([^"]+)"', response.get_data(as_text=True))[1]
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": "هنوز", "kept_photos": token})
    assert response.status_code == 302
    (photo,) = db.session.scalars(select(Photo).where(Photo.post_id == post.id))
    assert photo.uploaded_by_id == post.author_id


def test_a_file_that_is_no_photo_is_refused_and_the_note_kept(client, make, auth):
    post = _resolved(make)
    auth.login(post.author)
    response = client.post(
        f"/posts/{post.id}/is-it-fixed",
        data={"answer": "no", "note": "هنوز چاله هست", "photo": (io.BytesIO(b"%PDF-1.4 not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "هنوز چاله هست" in page and "x.jpg" in page
    assert db.session.scalar(select(FixQuestion.answer).where(FixQuestion.post_id == post.id)) is None


def test_a_photo_sent_with_yes_is_not_taken(client, make, auth):
    post = _resolved(make)
    auth.login(post.author)
    response = client.post(
        f"/posts/{post.id}/is-it-fixed",
        data={"answer": "yes", "photo": (io.BytesIO(_png()), "now.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_a_removed_dispute_photo_leaves_the_answer(client, make, auth):
    post = _resolved(make)
    resident = make.user()
    follows.follow_post(resident, post)
    db.session.commit()
    staged = _staged(resident)
    services.dispute_fix(post, resident, "هنوز", staged)
    db.session.commit()
    question = db.session.scalar(select(FixQuestion).where(FixQuestion.user_id == resident.id))
    photo_store.remove_photo(question.photo)
    db.session.commit()
    db.session.expire_all()
    question = db.session.get(FixQuestion, question.id)
    assert question.photo_id is None and question.answer is FixAnswer.DISPUTED
    assert services.dispute_photos(post) == []


def _staged(user):
    (staged,), problems = photo_store.receive_uploads([_Upload(_png())], [], user, room=1)
    assert problems == []
    return staged


class _Upload:
    """What a browser's file field gives the app (Werkzeug's FileStorage shape)."""

    def __init__(self, data: bytes):
        self.filename, self.stream = "now.png", io.BytesIO(data)
