"""Calls for ideas: dates in the city's time zone, closed calls, extending, the outcome and who hears of it."""

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.accounts.models import Role
from app.calls import services
from app.calls.models import CallEvent, CallIdea
from app.core.dates import parse_date
from app.core.db import utcnow
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import Notification, NotificationKind
from app.posts import votes
from app.posts.models import Post, PostStatus
from tests.calls.conftest import close

TITLE = "نیمکت‌های سایه‌دار در پیاده‌رو"
BODY = "در هر صد متر یک نیمکت با سایه‌بان بگذارید تا سالمندان بتوانند استراحت کنند."


def _open(make, opens_on: date, closes_on: date, now: datetime):
    department = make.department()
    return services.open_call(
        make.user(Role.STAFF, department=department),
        department=department,
        categories=[make.category(department=department)],
        title="فراخوان",
        question="پرسش؟",
        opens_on=opens_on,
        closes_on=closes_on,
        now=now,
    )


def test_dates_typed_in_either_calendar_are_whole_days_in_tehran(make):
    assert parse_date("۱۴۰۵/۱۰/۰۱") == parse_date("2026-12-22") == date(2026, 12, 22)
    call = _open(make, parse_date("1405/10/01"), parse_date("1405/10/10"), now=datetime(2026, 12, 1))
    # Tehran is UTC+3:30: the local midnights fall at 20:30 UTC the evening before.
    assert call.opens_at == datetime(2026, 12, 21, 20, 30)
    assert call.closes_at == datetime(2026, 12, 31, 20, 30)
    assert not call.is_open(datetime(2026, 12, 21, 20, 29))
    assert call.is_open(datetime(2026, 12, 21, 20, 30))
    assert call.is_open(datetime(2026, 12, 31, 20, 29, 59))  # 23:59:59 on the last day, in Tehran
    assert not call.is_open(datetime(2026, 12, 31, 20, 30)) and call.has_closed(datetime(2026, 12, 31, 20, 30))


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "field"),
    [
        (date(2026, 12, 10), date(2026, 12, 9), "closes_on"),  # closes before it opens
        (date(2026, 11, 1), date(2026, 11, 30), "closes_on"),  # already over
        (date(2026, 12, 1), date(2028, 1, 1), "closes_on"),  # longer than a year
    ],
)
def test_impossible_dates_are_refused(make, opens_on, closes_on, field):
    with pytest.raises(services.CallError) as error:
        _open(make, opens_on, closes_on, now=datetime(2026, 12, 1))
    assert error.value.field == field


def test_an_idea_posted_into_an_open_call_waits_for_moderation_in_the_calls_category(make, open_call):
    call, _staff = open_call()
    post = services.submit_idea(call, make.user(), title=TITLE, body=BODY)
    db.session.commit()
    assert post.status is PostStatus.PENDING and post.category_id == call.category_id
    assert services.call_of(post).call_id == call.id
    assert services.ranked_ideas(call) == []  # public only once approved
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    assert [p.id for p, _idea in services.ranked_ideas(call)] == [post.id]


def test_a_closed_or_not_yet_open_call_takes_no_ideas(make, open_call):
    call, _staff = open_call()
    with pytest.raises(services.CallClosedError):
        services.submit_idea(call, make.user(), title=TITLE, body=BODY, now=call.opens_at - timedelta(seconds=1))
    close(call)
    with pytest.raises(services.CallClosedError):
        services.submit_idea(call, make.user(), title=TITLE, body=BODY)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_a_closed_call_takes_no_more_votes_but_keeps_its_comments(make, open_call):
    call, _staff = open_call()
    post = services.submit_idea(call, make.user(), title=TITLE, body=BODY)
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    voter = make.user()
    assert votes.cast_vote(voter, post, votes.SUPPORT) == 1
    db.session.commit()
    close(call)
    with pytest.raises(votes.VoteError):
        votes.cast_vote(make.user(), post, votes.SUPPORT)
    with pytest.raises(votes.VoteError):
        votes.cast_vote(voter, post, votes.SUPPORT)  # not even taking one back
    assert make.comment(post).post_id == post.id


def test_ideas_outside_calls_still_take_votes_and_a_closed_call_changes_nothing_for_them(make, open_call):
    call, _staff = open_call()
    close(call)
    post = make.post()
    assert votes.cast_vote(make.user(), post, votes.SUPPORT) == 1


def test_a_call_is_extended_on_its_timeline(open_call, make):
    call, staff = open_call(days=5)
    before = call.closes_at
    services.submit_idea(call, make.user(), title=TITLE, body=BODY)
    event = services.change_closing(call, staff, services.last_moment(call).date() + timedelta(days=10))
    db.session.commit()
    assert call.closes_at == before + timedelta(days=10)
    assert (event.action, event.old_closes_at, event.new_closes_at) == ("extended", before, call.closes_at)
    assert [e.action for e in services.events(call)] == ["opened", "extended"]


def test_a_call_with_ideas_is_never_shortened(open_call, make):
    call, staff = open_call(days=10)
    services.submit_idea(call, make.user(), title=TITLE, body=BODY)
    before = call.closes_at
    with force_locale("en"), pytest.raises(services.CallError, match="never shortened"):
        services.change_closing(call, staff, services.last_moment(call).date() - timedelta(days=3))
    assert call.closes_at == before


def test_a_call_without_ideas_may_be_shortened_but_not_into_the_past(open_call):
    call, staff = open_call(days=10)
    event = services.change_closing(call, staff, services.last_moment(call).date() - timedelta(days=3))
    assert event.action == "shortened"
    with pytest.raises(services.CallError):
        services.change_closing(call, staff, date(2020, 1, 1))


def _closed_call_with_participants(make, open_call):
    call, staff = open_call()
    author, voter, bystander = make.user(), make.user(), make.user()
    taken = services.submit_idea(call, author, title=TITLE, body=BODY)
    other = services.submit_idea(call, make.user(), title="چراغ‌های بیشتر در شب", body=BODY)
    moderator = make.user(Role.MODERATOR)
    for post in (taken, other):
        workflow.transition(post, "approve", moderator)
    votes.cast_vote(voter, taken, votes.SUPPORT)
    db.session.commit()
    close(call)
    return call, staff, taken, other, author, voter, bystander


def test_the_outcome_waits_for_the_closing(make, open_call):
    call, staff = open_call()
    with pytest.raises(services.CallClosedError):
        services.publish_outcome(call, staff, "نتیجه", [])


def test_the_outcome_says_which_ideas_were_taken_up_and_tells_everyone_who_took_part(make, open_call):
    call, staff, taken, other, author, voter, bystander = _closed_call_with_participants(make, open_call)
    decisions = [
        services.Decision(taken.id, True, "در بودجهٔ سال آینده."),
        services.Decision(other.id, False, "با طرح روشنایی شهرداری یکی است."),
    ]
    told = services.publish_outcome(call, staff, "دو نیمکت در هر بلوک نصب می‌شود.", decisions)
    db.session.commit()
    assert told == 3  # both authors and the voter
    assert (db.session.get(CallIdea, taken.id).is_taken_up, db.session.get(CallIdea, other.id).is_taken_up) == (
        True,
        False,
    )
    outcome = db.select(Notification).where(Notification.kind == NotificationKind.CALL_OUTCOME)
    assert {n.user_id for n in db.session.scalars(outcome)} == {author.id, voter.id, other.author_id}
    assert bystander.id not in {n.user_id for n in db.session.scalars(outcome)}
    assert db.session.scalar(db.select(CallEvent.action).order_by(CallEvent.id.desc()).limit(1)) == "outcome"
    with pytest.raises(services.CallClosedError):
        services.publish_outcome(call, staff, "دوباره", [])
    with pytest.raises(services.CallClosedError):
        services.change_closing(call, staff, date.today() + timedelta(days=30))


def test_an_outcome_about_an_idea_of_another_call_is_refused(make, open_call):
    call, staff, _taken, _other, *_people = _closed_call_with_participants(make, open_call)
    stranger = make.post()
    with pytest.raises(services.CallError):
        services.publish_outcome(call, staff, "نتیجه", [services.Decision(stranger.id, True, "")])


def test_the_home_page_announces_open_calls_only(make, open_call):
    opened, _staff = open_call(title="فراخوان باز")
    closed, _staff = open_call(title="فراخوان بسته")
    close(closed)
    assert services.announced_calls() == [opened]
    assert services.announced_calls(now=utcnow() + timedelta(days=60)) == []
