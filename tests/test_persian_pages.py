"""Every main page, as every role, read as a Persian reader reads it: numbers in Persian digits with
Persian separators, and never a dot beside a digit (the Persian zero is a dot: "۱ · هفته" reads "۱۰")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from app.accounts.models import Role, User
from app.alerts import services as alerts
from app.calls import services as calls
from app.core.db import utcnow
from app.departments import services as triage
from app.extensions import db
from app.fixes import services as fixes
from app.moderation import flags, services, users, workflow
from app.moderation.models import FlagReason, StatusChange
from app.posts.models import PostKind, PostStatus
from tests.test_no_server_errors import _routes

ROLES = ["visitor", "resident", "moderator", "staff", "admin"]
PERSIAN_DIGIT = "[۰-۹]"
# A middle dot or bullet on either side, or a Latin decimal point (a sentence's full stop is fine).
DOT_BESIDE_A_DIGIT = re.compile(rf"{PERSIAN_DIGIT}\s*[·•∙⋅]|[·•∙⋅]\s*{PERSIAN_DIGIT}|{PERSIAN_DIGIT}\.{PERSIAN_DIGIT}")
LATIN_DIGIT = re.compile(r"[0-9]")
# Text that is the same in every language: e-mail addresses, web addresses, Latin names with
# digits in them (Open311, GeoReport v2).
MACHINE_TEXT = re.compile(r"\S+@\S+|https?://\S+|\b[A-Za-z]+[0-9]+\b")
NAMES = iter(["مینا", "حسن", "زهرا", "رضا", "سارا", "علی", "نرگس", "مهدی", "لیلا", "امیر", "پروین", "بهرام"])


class _Text(HTMLParser):
    """What a reader sees: text nodes (not attributes, scripts or styles), with block ends kept apart."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return MACHINE_TEXT.sub(" ", "".join(parser.parts))


def typography_problems(html: str) -> list[str]:
    """The places where a page breaks the rules, each with a little of its context."""
    text = visible_text(html)
    found = []
    for pattern, what in ((DOT_BESIDE_A_DIGIT, "a dot beside a Persian digit"), (LATIN_DIGIT, "a Latin digit")):
        for match in pattern.finditer(text):
            context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
            found.append(f"{what}: …{context}…")
    return found


def test_the_scanner_sees_what_it_looks_for():
    assert typography_problems("<p>۱ · هفته پیش</p>") and typography_problems("<p>۴ <b>·</b> حامی</p>")
    assert typography_problems("<p>امتیاز ۵۴.۶</p>") and typography_problems("<ol><li>1. عنوان</li></ol>")
    assert not typography_problems('<p title="1">۱ <span class="sep"></span> هفته</p><script>var a = 1;</script>')
    assert not typography_problems("<p>a@b1.example و https://x.example/2</p>")


@pytest.fixture
def app_config(app_config):
    return app_config | {"PROMISING_THRESHOLD": 1.0}


@pytest.fixture
def city(world_kept):
    return world_kept(_city)


def _city(make):
    """A small city where every kind of number shows: counts, decimals, times, ranks, distances."""
    department = make.department(slug="water", name_fa="آب و فاضلاب", name_en="Water and sewage")
    category = make.category(department=department, slug="leaks", name_fa="نشت آب", name_en="Leaks")
    staff = make.user(Role.STAFF, department=department)
    author = make.user()
    moderator = make.user(Role.MODERATOR)
    titles = ["یکم", "دوم", "سوم", "چهارم"]
    published, forwarded, in_progress, resolved = (
        make.post(
            author=author,
            category=category,
            title=f"لوله‌ی آب خیابان {name} ترکیده است",
            address="بلوار وکیل‌آباد، نبش کوچه‌ی گل‌ها",
            latitude=36.3 + len(name) / 1000,
            longitude=59.55,
        )
        for name in titles
    )
    pending = make.post(PostStatus.PENDING, author=author, category=category, title="پیاده‌روی خراب کنار مدرسه")
    idea = make.post(PostStatus.PUBLISHED, category=category, kind=PostKind.IDEA, title="پارک محله‌ای برای کودکان")
    for post in (published, forwarded, resolved, idea):
        make.supporters(post, 4)
    for post, moves in (
        (forwarded, ["forward"]),
        (in_progress, ["forward", "start"]),
        (resolved, ["forward", "resolve"]),
    ):
        for action in moves:
            actor = moderator if action == "forward" else staff
            note = "یادداشت" if workflow.TRANSITIONS[action].needs_note else None
            workflow.transition(post, action, actor, note=note)
    db.session.commit()
    make.supporters(idea, 1, value=-1)
    comment = make.comment(published)
    make.comment(published, parent=comment)
    # Times with fractions of a day, for the statistics' medians.
    db.session.execute(
        update(StatusChange)
        .where(StatusChange.action == "forward")
        .values(created_at=utcnow() - timedelta(days=3, hours=7))
    )
    fixes.confirm_fix(resolved, author)
    flags.flag(make.user(), published, FlagReason.SPAM)
    flags.flag(make.user(), comment, FlagReason.OTHER, "بی‌ادبانه")
    services.recategorise_post(
        pending, make.category(department=department, slug="pipes", name_fa="لوله‌کشی"), moderator
    )
    users.block(moderator, make.user(), "هرزنامه")
    triage.assign_post(in_progress, staff, staff)
    workflow.transition(make.post(PostStatus.PENDING, category=category), "reject", moderator, note="تکراری")
    call = calls.open_call(
        staff,
        department=department,
        categories=[category],
        title="فراخوان ایده برای پارک‌ها",
        question="پارک محله‌ی شما چه کم دارد؟",
        opens_on=date.today() - timedelta(days=1),
        closes_on=date.today() + timedelta(days=12),
    )
    calls.submit_idea(call, author, title="نیمکت بیشتر زیر سایه", body="نیمکت‌های پارک همه زیر آفتاب‌اند.")
    resident = author  # told of every move of their posts
    follow = alerts.follow_category(resident, category)
    db.session.commit()
    # Our own text shows numbers; what users typed is Persian here, so a Latin digit is ours.
    for user in db.session.scalars(select(User)):
        user.display_name = next(NAMES, "شهروند")
    db.session.commit()
    people = {
        "visitor": None,
        "resident": resident,
        "moderator": moderator,
        "staff": staff,
        "admin": make.user(Role.ADMIN, display_name="مدیر"),
    }
    values = {
        "post_id": published.id,
        "comment_id": comment.id,
        "user_id": author.id,
        "slug": department.slug,
        "department_id": department.id,
        "category_id": category.id,
        "call_id": call.id,
        "follow_id": follow.id,
    }
    extra = [f"/search?q={'لوله'}", "/posts?sort=top", f"/posts/{resolved.id}", f"/posts/{idea.id}"]
    extra += [f"/posts/{forwarded.id}", f"/posts/{pending.id}", "/moderation/promising", "/statistics"]
    return people, values, extra


def _pages(app, values, extra) -> list[str]:
    return sorted({url for method, url in _routes(app, values) if method == "GET"} | set(extra))


@pytest.mark.parametrize("role", ROLES)
def test_persian_pages_write_numbers_as_persian_readers_read_them(app, client, auth, city, role):
    people, values, extra = city
    if people[role] is not None:
        auth.login(people[role])
    failures, read = [], 0
    for url in _pages(app, values, extra):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read += 1
        failures += [f"{url}: {problem}" for problem in typography_problems(response.get_data(as_text=True))]
    assert read >= 15, read  # the walk reached the pages
    assert not failures, "\n".join(failures)
