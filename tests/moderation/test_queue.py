"""The pending tab: oldest first with context, and every decision a moderator makes there."""

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.extensions import db
from app.moderation.models import StatusChange, TitleRevision
from app.moderation.workflow import NOTE_MAX
from app.posts import follows
from app.posts.models import PostStatus


def tag(page: str, element: str, element_id: str) -> str:
    """The opening tag of the element with this id (attributes in any order)."""
    match = re.search(rf'<{element}\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert match, element_id
    return match.group(0)


@pytest.fixture
def moderator(make, auth):
    user = make.user(Role.MODERATOR)
    auth.login(user)
    return user


def test_residents_and_staff_cannot_open_the_queue(client, auth, make):
    assert client.get("/moderation/").status_code == 302  # visitors sign in first
    auth.login(make.user())
    assert client.get("/moderation/").status_code == 403
    auth.logout()
    auth.login(make.user(Role.STAFF))
    assert client.get("/moderation/").status_code == 403


def test_pending_posts_are_listed_oldest_first_with_author_category_and_location(client, make, moderator):
    newer = make.post(
        PostStatus.PENDING,
        title="پست تازه‌تر درباره‌ی خیابان",
        address="بلوار وکیل‌آباد",
        latitude=36.3216,
        longitude=59.5315,
    )
    older = make.post(PostStatus.PENDING, title="پست قدیمی‌تر درباره‌ی پارک")
    older.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    published = make.post(PostStatus.PUBLISHED, title="این منتشر شده است و نباید بیاید")
    page = client.get("/moderation/").get_data(as_text=True)
    assert page.index("پست قدیمی‌تر") < page.index("پست تازه‌تر")
    assert f'id="pending-{published.id}"' not in page  # (it may be offered as similar: same description)
    assert newer.author.display_name in page and "بلوار وکیل‌آباد" in page and "۳۶.۳۲۱۶" not in page
    assert "۳۶٫۳۲۱۶۰" in page  # coordinates with Persian digits and decimal separator
    assert newer.category.name_fa in page
    assert 'class="similar-posts"' in page  # the place the search issue fills


def test_approving_from_the_queue_publishes_and_returns_to_the_queue(client, make, moderator):
    post = make.post(PostStatus.PENDING)
    response = client.post(
        f"/moderation/posts/{post.id}/transition", data={"action": "approve", "next": "/moderation/"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation/")
    assert db.session.get(type(post), post.id).status is PostStatus.PUBLISHED


def test_reject_combines_the_template_in_the_authors_language_with_the_moderators_words(client, make, moderator):
    author = make.user(locale="en")
    post = make.post(PostStatus.PENDING, author=author)
    template = make.reason_template(body_en="This is not something the city handles.")
    response = client.post(
        f"/moderation/posts/{post.id}/reject", data={"template": template.id, "note": "Try the water company."}
    )
    assert response.status_code == 302
    change = db.session.query(StatusChange).filter_by(post_id=post.id, action="reject").one()
    assert change.note == "This is not something the city handles.\n\nTry the water company."


def test_reject_without_any_reason_is_refused_and_keeps_the_post_pending(client, make, moderator):
    post = make.post(PostStatus.PENDING)
    response = client.post(f"/moderation/posts/{post.id}/reject", data={"template": "", "note": "   "})
    assert response.status_code == 422
    assert "deserves to know why" in response.get_data(as_text=True) or "دلیل" in response.get_data(as_text=True)
    assert db.session.get(type(post), post.id).status is PostStatus.PENDING


@pytest.mark.parametrize("template", ["abc", "999999", "-1"])
def test_reject_with_an_unknown_template_keeps_what_was_typed(client, make, moderator, template):
    post = make.post(PostStatus.PENDING)
    response = client.post(f"/moderation/posts/{post.id}/reject", data={"template": template, "note": ""})
    assert response.status_code == 422
    response = client.post(f"/moderation/posts/{post.id}/reject", data={"template": template, "note": "متن من"})
    assert response.status_code == 302  # an unknown template is ignored when the moderator wrote a reason


def test_rejecting_an_already_published_post_is_a_conflict_not_an_error(client, make, moderator):
    post = make.post(PostStatus.PUBLISHED)
    response = client.post(f"/moderation/posts/{post.id}/reject", data={"note": "دیر است"})
    assert response.status_code == 422
    assert "دیر است" in response.get_data(as_text=True)  # what was typed is kept


def test_bulk_approve_handles_the_selected_posts_and_skips_ones_already_handled(client, make, moderator):
    first, second, handled = (make.post(PostStatus.PENDING) for _ in range(3))
    make.move(handled, PostStatus.PUBLISHED)
    response = client.post(
        "/moderation/bulk", data={"action": "approve", "post_ids": [first.id, second.id, handled.id]}
    )
    assert response.status_code == 302
    assert {db.session.get(type(p), p.id).status for p in (first, second)} == {PostStatus.PUBLISHED}
    page = client.get("/moderation/").get_data(as_text=True)
    assert f"#{handled.id}" in page or "۲" in page  # the skipped post is reported in a warning


def test_bulk_reject_needs_a_reason_and_changes_nothing_without_one(client, make, moderator):
    posts = [make.post(PostStatus.PENDING) for _ in range(2)]
    response = client.post("/moderation/bulk", data={"action": "reject", "post_ids": [p.id for p in posts]})
    assert response.status_code == 422
    assert {db.session.get(type(p), p.id).status for p in posts} == {PostStatus.PENDING}
    template = make.reason_template()
    response = client.post(
        "/moderation/bulk", data={"action": "reject", "template": template.id, "post_ids": [p.id for p in posts]}
    )
    assert response.status_code == 302
    assert {db.session.get(type(p), p.id).status for p in posts} == {PostStatus.REJECTED}


def test_each_pending_post_has_a_tick_box_of_the_bulk_form(client, make, moderator):
    posts = [make.post(PostStatus.PENDING, title=f"چاله‌ی شماره {n}") for n in range(2)]
    page = client.get("/moderation/").get_data(as_text=True)
    for post in posts:
        box = re.search(rf'<input[^>]*id="select-{post.id}"[^>]*>', page).group(0)
        assert 'type="checkbox"' in box and 'name="post_ids"' in box and f'value="{post.id}"' in box
        assert 'form="bulk-form"' in box and "checked" not in box and post.title in box  # its aria-label
    assert 'id="bulk-form"' in page and f'maxlength="{NOTE_MAX}"' in tag(page, "textarea", "note")


@pytest.mark.parametrize("ids", [[], ["abc"], ["999999"], ["1", "x"]])
def test_bulk_with_no_or_unknown_posts_is_a_clear_4xx(client, make, moderator, ids):
    make.post(PostStatus.PENDING)
    response = client.post("/moderation/bulk", data={"action": "approve", "post_ids": ids})
    assert response.status_code == 422


def test_bulk_with_an_unknown_action_is_refused(client, make, moderator):
    post = make.post(PostStatus.PENDING)
    response = client.post("/moderation/bulk", data={"action": "forward", "post_ids": [post.id]})
    assert response.status_code == 422
    assert db.session.get(type(post), post.id).status is PostStatus.PENDING


def test_recategorising_moves_the_post_and_rejects_unknown_categories(client, make, moderator):
    post = make.post(PostStatus.PENDING)
    better = make.category()
    assert client.post(f"/moderation/posts/{post.id}/category", data={"category": "nope"}).status_code == 422
    assert client.post(f"/moderation/posts/{post.id}/category", data={"category": 999999}).status_code == 422
    assert client.post(f"/moderation/posts/{post.id}/category", data={"category": better.id}).status_code == 302
    assert db.session.get(type(post), post.id).category_id == better.id


def test_clarifying_a_title_keeps_the_original_on_the_public_page(client, make, moderator):
    post = make.post(PostStatus.PUBLISHED, title="چاله خیابان ما خیلی بد است!!!")
    response = client.post(f"/moderation/posts/{post.id}/title", data={"title": "چاله‌ی عمیق در خیابان امام رضا"})
    assert response.status_code == 302
    assert db.session.query(TitleRevision).filter_by(post_id=post.id).one().old_title == "چاله خیابان ما خیلی بد است!!!"
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "چاله‌ی عمیق در خیابان امام رضا" in page and "چاله خیابان ما خیلی بد است!!!" in page


@pytest.mark.parametrize("title", ["", "کوتاه", "ت" * 151])
def test_a_bad_title_is_refused_and_kept_in_the_form(client, make, moderator, title):
    post = make.post(PostStatus.PENDING)
    response = client.post(f"/moderation/posts/{post.id}/title", data={"title": title})
    assert response.status_code == 422
    assert db.session.get(type(post), post.id).title != title


def test_marking_a_duplicate_points_to_the_original_and_its_author_follows_it(client, make, moderator):
    original = make.post(PostStatus.PUBLISHED)
    copy = make.post(PostStatus.PENDING)
    response = client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": f"#{original.id}"})
    assert response.status_code == 302
    copy, original = db.session.get(type(copy), copy.id), db.session.get(type(original), original.id)
    assert copy.status is PostStatus.DUPLICATE and copy.duplicate_of_id == original.id
    assert original.duplicate_count == 1 and original.support == 0  # votes are not moved
    assert follows.is_following(copy.author, original)


@pytest.mark.parametrize("original", ["", "abc", "999999"])
def test_marking_a_duplicate_of_nothing_is_refused_beside_the_number(client, make, moderator, original):
    copy = make.post(PostStatus.PENDING)
    response = client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original, "note": "یادداشت من"})
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True) and "یادداشت من" in response.get_data(as_text=True)
    assert db.session.get(type(copy), copy.id).status is PostStatus.PENDING


def test_the_header_counts_what_waits_for_moderators(client, make, moderator):
    make.post(PostStatus.PENDING)
    make.post(PostStatus.PENDING)
    page = client.get("/").get_data(as_text=True)
    assert 'id="nav-moderation"' in page and "۲" in page.split('id="nav-moderation"')[1].split("</a>")[0]


def test_the_header_count_is_only_for_moderators(client, make, auth):
    make.post(PostStatus.PENDING)
    auth.login(make.user())
    assert 'id="nav-moderation"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/users/99999999999999999999",
        "/moderation/posts/99999999999999999999/reject",
        "/moderation/audit?post=99999999999999999999",
        "/moderation/?page=99999999999999999999",
        "/notifications/?page=99999999999999999999",
    ],
)
def test_numbers_too_big_for_the_database_are_a_4xx_not_an_error(client, auth, make, url):
    auth.login(make.user(Role.ADMIN))
    assert client.get(url).status_code in (200, 400, 404)


@pytest.mark.parametrize("field", ["original", "department"])
def test_ids_too_big_for_the_database_are_refused(client, make, moderator, field):
    post = make.post(PostStatus.PUBLISHED)
    if field == "original":
        response = client.post(f"/moderation/posts/{post.id}/duplicate", data={field: "9" * 30})
    else:
        response = client.post(f"/moderation/posts/{post.id}/transition", data={"action": "forward", field: "9" * 30})
    assert response.status_code in (409, 422)


def test_the_original_lists_the_posts_that_repeat_it(client, make, moderator):
    original = make.post(PostStatus.PUBLISHED)
    copy = make.post(PostStatus.PENDING, title="همان چاله که دوباره گزارش شد")
    client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original.id})
    client.post("/logout")
    page = client.get(f"/posts/{original.id}").get_data(as_text=True)
    assert "همان چاله که دوباره گزارش شد" in page and f"/posts/{copy.id}" in page


def test_a_duplicate_does_not_show_the_title_of_an_original_hidden_since(client, make, moderator):
    original = make.post(PostStatus.PUBLISHED, title="عنوانی که ناظران پنهان کردند")
    copy = make.post(PostStatus.PENDING, title="همان چاله که دوباره گزارش شد")
    client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original.id})
    original = db.session.get(type(original), original.id)
    original.is_hidden = True
    db.session.commit()
    client.post("/logout")
    page = client.get(f"/posts/{copy.id}")
    assert page.status_code == 200
    assert "عنوانی که ناظران پنهان کردند" not in page.get_data(as_text=True)
    assert f'href="/posts/{original.id}"' not in page.get_data(as_text=True)


def test_the_timeline_names_the_role_an_actor_had_when_they_acted(client, make, moderator):
    post = make.post(PostStatus.PENDING)
    client.post(f"/moderation/posts/{post.id}/transition", data={"action": "approve"})
    db.session.rollback()
    change = db.session.query(StatusChange).filter_by(post_id=post.id).one()
    assert change.actor_role is Role.MODERATOR
    moderator.role = Role.RESIDENT  # stepped down later: the approval was still a moderator's
    db.session.commit()
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    timeline = page.split('id="timeline-title"')[1]
    assert "یک ناظر" in timeline and moderator.display_name not in timeline


def test_a_moderator_cannot_approve_their_own_post(client, make, moderator):
    own = make.post(PostStatus.PENDING, author=moderator, title="پست خود ناظر درباره‌ی پارک")
    for page_path in (f"/posts/{own.id}", "/moderation/"):
        page = client.get(page_path).get_data(as_text=True)
        assert '<input type="hidden" name="action" value="approve">' not in page  # no button
    client.post("/moderation/bulk", data={"action": "approve", "post_ids": [str(own.id)]})
    db.session.refresh(own)
    assert own.status is PostStatus.PENDING  # nor through the bulk form
    response = client.post(f"/moderation/posts/{own.id}/transition", data={"action": "approve"})
    assert response.status_code == 403
    db.session.refresh(own)
    assert own.status is PostStatus.PENDING
    other = make.user(Role.MODERATOR)
    client.post("/logout")
    client.post("/login", data={"email": other.email, "password": "correct horse battery"})
    response = client.post(f"/moderation/posts/{own.id}/transition", data={"action": "approve"})
    assert response.status_code == 302  # another moderator may
    db.session.refresh(own)
    assert own.status is PostStatus.PUBLISHED


def test_the_queues_forms_come_from_their_fields_with_the_limits_of_their_validators(client, make, moderator):
    other = make.category()
    post = make.post(PostStatus.PENDING, title="پیاده‌روی شکسته در کوچه")
    page = client.get("/moderation/").get_data(as_text=True)
    assert f'maxlength="{NOTE_MAX}"' in tag(page, "textarea", f"reject-note-{post.id}")
    title = tag(page, "input", f"title-{post.id}")
    assert 'maxlength="150"' in title and 'minlength="8"' in title and 'value="پیاده‌روی شکسته در کوچه"' in title
    assert "required" in tag(page, "input", f"original-{post.id}")
    categories = page[page.index(tag(page, "select", f"category-{post.id}")) :].split("</select>")[0]
    assert f'selected value="{post.category_id}"' in categories and f'value="{other.id}"' in categories


def test_the_post_pages_moves_come_from_their_fields(client, make, moderator):
    post = make.post(PostStatus.PUBLISHED)
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    departments = page[page.index(tag(page, "select", "dept-forward")) :].split("</select>")[0]
    assert f'selected value="{post.category.default_department_id}"' in departments
    assert f'maxlength="{NOTE_MAX}"' in tag(page, "textarea", "note-forward")
    assert 'value="forward"' in page and 'name="csrf_token"' in page
