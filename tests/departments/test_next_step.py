"""On a forwarded post, staff see their department's usual next step first; handing back is folded away."""

import re

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.posts.models import PostStatus


def _disclosures(html: str) -> list[tuple[str, bool]]:
    """The (action, is open) of each folded response in the staff's actions card, in page order."""
    card = html.split('id="responses-title"')[1].split("</section>")[0]
    return [
        (action, " open" in attributes)
        for attributes, action in re.findall(r'<details([^>]*data-action="(\w+)"[^>]*)>', card)
    ]


@pytest.fixture
def staff_and_post(make, auth):
    post = make.post(PostStatus.FORWARDED)
    staff = make.user(Role.STAFF, department=post.department)
    auth.login(staff)
    return staff, post


def test_a_new_forward_opens_acknowledge_and_folds_handing_back_last(client, staff_and_post):
    _staff, post = staff_and_post
    shown = _disclosures(client.get(f"/posts/{post.id}").get_data(as_text=True))
    assert shown == [
        ("acknowledge", True),
        ("start", False),
        ("resolve", False),
        ("decline", False),
        ("hand_back", False),
    ]


def test_once_acknowledged_starting_work_comes_first(client, staff_and_post):
    staff, post = staff_and_post
    workflow.transition(post, "acknowledge", staff, note="دریافت شد.")
    db.session.commit()
    shown = _disclosures(client.get(f"/posts/{post.id}").get_data(as_text=True))
    assert shown[0] == ("start", True) and shown[-1] == ("hand_back", False)
    assert [action for action, is_open in shown if is_open] == ["start"]


def test_a_post_handed_back_and_forwarded_again_is_acknowledged_afresh(client, make, staff_and_post):
    staff, post = staff_and_post
    workflow.transition(post, "acknowledge", staff, note="دریافت شد.")
    workflow.transition(post, "hand_back", staff, note="مربوط به ما نیست.")
    workflow.transition(post, "forward", make.user(Role.MODERATOR), department=post.category.default_department)
    db.session.commit()
    shown = _disclosures(client.get(f"/posts/{post.id}").get_data(as_text=True))
    assert shown[0] == ("acknowledge", True)


def test_work_in_progress_opens_resolve(client, staff_and_post):
    staff, post = staff_and_post
    workflow.transition(post, "start", staff)
    db.session.commit()
    shown = _disclosures(client.get(f"/posts/{post.id}").get_data(as_text=True))
    assert shown == [("resolve", True), ("decline", False), ("hand_back", False)]


def test_moderators_get_no_department_responses(client, auth, make):
    post = make.post(PostStatus.FORWARDED)
    auth.login(make.user(Role.MODERATOR))
    assert 'id="responses-title"' not in client.get(f"/posts/{post.id}").get_data(as_text=True)
