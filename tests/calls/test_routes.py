"""Routes of calls for ideas: who may do what, odd input, CSRF, and what the pages show."""

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.calls import services
from app.calls.models import Call, CallIdea
from app.extensions import db
from app.moderation import workflow
from app.posts.models import Post
from tests.calls.conftest import close
from tests.factories import PASSWORD

IDEA = {
    "title": "نیمکت‌های سایه‌دار در پیاده‌رو",
    "body": "در هر صد متر یک نیمکت با سایه‌بان بگذارید تا سالمندان استراحت کنند.",
}
ROLES = ["visitor", "resident", "moderator", "own_staff", "other_staff", "admin", "blocked"]
# Expected status for: the list, the call's page, the open-a-call form, the post-an-idea form,
# the extend form, the outcome form.
MATRIX = {
    "visitor": (200, 200, 302, 302, 302, 302),
    "resident": (200, 200, 403, 200, 403, 403),
    "moderator": (200, 200, 403, 200, 403, 403),
    "own_staff": (200, 200, 200, 200, 200, 200),
    "other_staff": (200, 200, 200, 200, 403, 403),
    "admin": (200, 200, 200, 200, 200, 200),
    "blocked": (200, 200, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(client, make, auth, open_call, role):
    call, staff = open_call()
    users = {
        "resident": lambda: make.user(),
        "moderator": lambda: make.user(Role.MODERATOR),
        "own_staff": lambda: staff,
        "other_staff": lambda: make.user(Role.STAFF, department=make.department()),
        "admin": lambda: make.user(Role.ADMIN),
        "blocked": lambda: make.user(is_blocked=True),
    }
    if role != "visitor":
        auth.login(users[role]())
    paths = [
        "/calls/",
        f"/calls/{call.id}",
        "/calls/new",
        f"/calls/{call.id}/ideas/new",
        f"/calls/{call.id}/extend",
        f"/calls/{call.id}/outcome",
    ]
    assert tuple(client.get(path).status_code for path in paths) == MATRIX[role]


def test_staff_open_a_call_for_their_own_department_with_jalali_dates(client, make, auth):
    department, other = make.department(), make.department()
    category = make.category(department=department)
    staff = make.user(Role.STAFF, department=department)
    auth.login(staff)
    response = client.post(
        "/calls/new",
        data={
            "department": other.id,  # ignored: staff open calls for their own department
            "categories": category.id,
            "title": "پیاده‌راه احمدآباد",
            "question": "چه چیزی پیاده‌روی را بهتر می‌کند؟",
            "opens_on": "۱۴۰۵/۰۹/۰۱",
            "closes_on": "۱۴۰۶/۰۱/۳۰",
        },
    )
    assert response.status_code == 302
    call = db.session.scalars(db.select(Call)).one()
    assert call.department_id == department.id
    assert call.closes_at.date().isoformat() == "2027-04-19"  # 1406/01/30 = 2027-04-19 local end → 20:30 UTC that day


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title."),
        ({"title": "x" * 151}, "at most 150"),
        ({"question": ""}, "Enter the question."),
        ({"opens_on": "1405/13/40"}, "not a date we can read"),
        ({"closes_on": "tomorrow"}, "not a date we can read"),
        ({"closes_on": "2020-01-01"}, "The closing date has passed."),
        ({"categories": "abc"}, "Choose at least one category that takes ideas."),
        ({"categories": "999999"}, "Choose at least one category that takes ideas."),
    ],
)
def test_odd_input_to_the_open_a_call_form_is_refused_and_kept(client, make, auth, changes, message):
    department = make.department()
    category = make.category(department=department)
    auth.login(make.user(Role.STAFF, department=department))
    data = {
        "categories": category.id,
        "title": "پیاده‌راه",
        "question": "چه؟",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-31",
    }
    client.set_cookie("lang", "en")  # this browser chose English
    response = client.post("/calls/new", data=data | changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "پیاده‌راه" in page or changes.get("title") is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Call)) == 0


def test_an_admin_must_name_an_active_department(client, make, auth):
    category = make.category()
    auth.login(make.user(Role.ADMIN))
    data = {
        "categories": category.id,
        "title": "پیاده‌راه",
        "question": "چه؟",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-31",
    }
    assert client.post("/calls/new", data=data | {"department": "99999"}).status_code == 422


def test_a_resident_posts_an_idea_from_the_calls_page(client, make, auth, open_call):
    call, _staff = open_call()
    resident = make.user()
    auth.login(resident)
    assert f"/calls/{call.id}/ideas/new" in client.get(f"/calls/{call.id}").get_data(as_text=True)
    response = client.post(f"/calls/{call.id}/ideas/new", data=IDEA)
    assert response.status_code == 302
    post = db.session.scalars(db.select(Post)).one()
    assert post.author_id == resident.id and db.session.get(CallIdea, post.id).call_id == call.id


@pytest.mark.parametrize(
    "data", [{}, {"title": "کوتاه", "body": IDEA["body"]}, {"title": IDEA["title"], "body": "x" * 6000}]
)
def test_odd_ideas_are_refused(client, make, auth, open_call, data):
    call, _staff = open_call()
    auth.login(make.user())
    assert client.post(f"/calls/{call.id}/ideas/new", data=data).status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_posting_into_a_closed_call_is_refused_with_a_message(client, make, auth, open_call):
    call, _staff = open_call()
    close(call)
    auth.login(make.user())
    client.set_cookie("lang", "en")  # this browser chose English
    response = client.post(f"/calls/{call.id}/ideas/new", data=IDEA)
    assert response.status_code == 409
    assert "This call is not taking ideas now." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0
    assert f"/calls/{call.id}/ideas/new" not in client.get(f"/calls/{call.id}").get_data(as_text=True)


def test_a_vote_on_an_idea_of_a_closed_call_is_refused_through_the_route(client, make, auth, open_call):
    call, _staff = open_call()
    post = services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"])
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    close(call)
    auth.login(make.user())
    client.post(f"/posts/{post.id}/vote", data={"value": "1"})
    assert db.session.get(Post, post.id).support == 0


def test_unknown_calls_are_not_found(client, make, auth):
    auth.login(make.user(Role.ADMIN))
    for path in ("/calls/999", "/calls/999/ideas/new", "/calls/999/extend", "/calls/999/outcome"):
        assert client.get(path).status_code == 404


def test_shortening_a_call_with_ideas_is_refused_through_the_route(client, make, auth, open_call):
    call, staff = open_call(days=10)
    services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"])
    db.session.commit()
    before = call.closes_at
    auth.login(staff)
    shorter = (services.last_moment(call) - timedelta(days=2)).date().isoformat()
    client.set_cookie("lang", "en")  # this browser chose English
    response = client.post(f"/calls/{call.id}/extend", data={"closes_on": shorter})
    assert response.status_code == 422 and "never shortened" in response.get_data(as_text=True)
    assert client.post(f"/calls/{call.id}/extend", data={"closes_on": "not a date"}).status_code == 422
    later = (services.last_moment(call) + timedelta(days=7)).date().isoformat()
    assert client.post(f"/calls/{call.id}/extend", data={"closes_on": later}).status_code == 302
    assert db.session.get(Call, call.id).closes_at == before + timedelta(days=7)
    assert "Extended" in client.get(f"/calls/{call.id}").get_data(as_text=True)


def test_the_outcome_is_published_after_closing_and_shown_on_each_idea(client, make, auth, open_call):
    call, staff = open_call()
    post = services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"])
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    auth.login(staff)
    data = {
        "outcome": "نیمکت‌ها سال آینده نصب می‌شوند.",
        "decisions-0-post_id": post.id,
        "decisions-0-decision": "taken",
        "decisions-0-note": "در بودجه آمد.",
    }
    assert client.post(f"/calls/{call.id}/outcome", data=data).status_code == 409  # still open
    close(call)
    assert client.post(f"/calls/{call.id}/outcome", data={"outcome": ""}).status_code == 422
    assert client.post(f"/calls/{call.id}/outcome", data=data).status_code == 302
    assert client.post(f"/calls/{call.id}/outcome", data=data).status_code == 409  # once
    client.set_cookie("lang", "en")  # this browser chose English
    idea_page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Taken up by the department" in idea_page and "در بودجه آمد." in idea_page
    assert f"/calls/{call.id}" in idea_page


def _two_ideas(make, call):
    moderator = make.user(Role.MODERATOR)
    posts = []
    for title in ("نیمکت در پارک ملت", "سایه‌بان در ایستگاه"):
        post = services.submit_idea(call, make.user(), title=title, body=IDEA["body"])
        workflow.transition(post, "approve", moderator)
        posts.append(post)
    db.session.commit()
    return posts


def _refused_outcome(client, call, data) -> str:
    """Post the outcome, expect it refused (422, nothing published) and return the page shown again."""
    response = client.post(f"/calls/{call.id}/outcome", data=data)
    assert response.status_code == 422 and db.session.get(Call, call.id).outcome_published_at is None
    return response.get_data(as_text=True)


def test_each_decision_reaches_its_own_idea_whatever_the_order_on_the_page(client, make, auth, open_call):
    call, staff = open_call()
    first, second = _two_ideas(make, call)
    close(call)
    auth.login(staff)
    page = client.get(f"/calls/{call.id}/outcome").get_data(as_text=True)
    assert page.count('type="radio"') == 4 and page.count("<textarea") == 3  # the outcome and two reasons
    data = {
        "outcome": "یکی از دو ایده اجرا می‌شود.",
        "decisions-0-post_id": second.id,
        "decisions-0-decision": "taken",
        "decisions-0-note": "سایه‌بان‌ها در بودجه آمد.",
        "decisions-1-post_id": first.id,
        "decisions-1-decision": "not_taken",
        "decisions-1-note": "جا ندارد.",
        "decisions-2-post_id": 99999999,  # not an idea of this call: dropped
        "decisions-2-decision": "taken",
    }
    assert client.post(f"/calls/{call.id}/outcome", data=data).status_code == 302
    ideas = {idea.post_id: idea for idea in db.session.scalars(db.select(CallIdea))}
    assert ideas[second.id].is_taken_up and ideas[second.id].outcome_note == "سایه‌بان‌ها در بودجه آمد."
    assert not ideas[first.id].is_taken_up and ideas[first.id].outcome_note == "جا ندارد."


def test_an_outcome_with_a_bad_reason_is_refused_beside_the_box_and_keeps_every_word(client, make, auth, open_call):
    call, staff = open_call()
    first, second = _two_ideas(make, call)
    close(call)
    auth.login(staff)
    client.set_cookie("lang", "en")
    data = {
        "outcome": "خلاصه‌ی نتیجه",
        "decisions-0-post_id": first.id,
        "decisions-0-decision": "taken",
        "decisions-0-note": "د" * (services.TEXT_MAX + 1),
        "decisions-1-post_id": second.id,
        "decisions-1-decision": "maybe",
        "decisions-1-note": "دلیل دوم",
    }
    page = _refused_outcome(client, call, data)
    assert "at most" in page.split('id="decisions-0-note-error"')[1].split("</div>")[0]
    assert 'id="decisions-1-decision-error"' in page
    assert "خلاصه‌ی نتیجه" in page and "د" * (services.TEXT_MAX + 1) in page and "دلیل دوم" in page
    assert re.search(r'<input[^>]*checked[^>]*value="taken"|<input[^>]*value="taken"[^>]*checked', page)


def test_an_idea_that_arrived_while_the_outcome_was_written_must_be_decided_too(client, make, auth, open_call):
    call, staff = open_call()
    first, second = _two_ideas(make, call)
    close(call)
    auth.login(staff)
    data = {
        "outcome": "خلاصه",
        "decisions-0-post_id": first.id,
        "decisions-0-decision": "taken",
        "decisions-0-note": "",
    }
    page = _refused_outcome(client, call, data)
    assert second.title in page and page.count('name="decisions-') >= 6


def test_the_home_page_announces_an_open_call(client, open_call):
    call, _staff = open_call(title="فراخوان پیاده‌راه")
    assert "فراخوان پیاده‌راه" in client.get("/").get_data(as_text=True)
    close(call)
    assert "فراخوان پیاده‌راه" not in client.get("/").get_data(as_text=True)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_an_idea_without_the_token_is_refused(self, client, make, open_call):
        call, _staff = open_call()
        user = make.user()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert client.post(f"/calls/{call.id}/ideas/new", data=IDEA).status_code == 400
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_the_outcome_notification_links_to_the_call(client, make, auth, open_call):
    call, staff = open_call()
    author = make.user()
    post = services.submit_idea(call, author, title=IDEA["title"], body=IDEA["body"])
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    close(call)
    services.publish_outcome(db.session.get(Call, call.id), staff, "نتیجه", [])
    db.session.commit()
    auth.login(author)
    client.set_cookie("lang", "en")  # this browser chose English
    page = client.get("/notifications/").get_data(as_text=True)
    assert "published its outcome" in page
    notification_id = re.search(r"/notifications/(\d+)/open", page).group(1)
    response = client.post(f"/notifications/{notification_id}/open")
    assert response.headers["Location"].endswith(f"/calls/{call.id}")
