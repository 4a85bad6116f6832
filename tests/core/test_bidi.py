"""Bidirectional control characters cannot disguise one-line user text, and user text inside our
sentences is isolated so that its direction cannot reorder them."""

import re

import pytest

from app.accounts.models import Role
from app.core.text import clean_text, strip_bidi_controls
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import OutboxEmail
from app.posts.models import PostStatus
from tests.factories import PASSWORD

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
ANY_CONTROL = re.compile(f"[{CONTROLS}]")


@pytest.mark.parametrize("control", list(CONTROLS))
def test_every_bidi_control_is_removed_from_one_line_text(control):
    assert clean_text(f"exe{control}.txt") == "exe.txt"


def test_the_persian_zero_width_non_joiner_stays():
    word = "می\u200cروم"
    assert clean_text(word) == word and strip_bidi_controls(word) == word


def test_titles_addresses_and_display_names_are_stored_without_them(make):
    user = make.user(display_name="\u202eنیمدا\u202c")
    post = make.post(
        PostStatus.PENDING, author=user, title="چاله\u202e در خیابان امام رضا\u2066", address="\u200fبلوار\u202b سجاد"
    )
    assert user.display_name == "نیمدا"
    assert post.title == "چاله در خیابان امام رضا" and post.address == "بلوار سجاد"


def test_a_display_name_changed_on_the_profile_loses_them(client, make):
    user = make.user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/profile", data={"display_name": "\u202eمریم\u202c رضایی", "locale": "fa"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "مریم رضایی"


def test_email_subjects_carry_none_even_from_text_stored_before_the_rule(make):
    post = make.post(PostStatus.PENDING)
    post.title = "Invoice \u202egpj.exe"  # as an older row might hold it
    db.session.commit()
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    subjects = [email.subject for email in db.session.query(OutboxEmail)]
    assert subjects and not any(ANY_CONTROL.search(subject) for subject in subjects)


def test_names_inside_our_sentences_are_isolated(client, make):
    post = make.post()
    reader = make.user()
    client.post("/login", data={"email": reader.email, "password": PASSWORD})
    comment = make.comment(post, author=make.user(display_name="Ali Rezaei"))
    page = client.get(f"/posts/{post.id}?reply={comment.id}").get_data(as_text=True)
    assert "<bdi>Ali Rezaei</bdi>" in page  # "… to Ali Rezaei" beside the reply link


def test_the_search_note_isolates_the_typed_query(client, make):
    for place in ("سجاد", "احمدآباد", "کوهسنگی"):
        make.post(title=f"چراغ خیابان {place} خاموش است")
    for n in range(3):
        make.post(title=f"زباله در خیابان شماره {n}")
    page = client.get("/search?q=چراغ خیابون").get_data(as_text=True)
    assert "<bdi>چراغ خیابون</bdi>" in page  # "No posts contain “…”; showing results for “…”"
