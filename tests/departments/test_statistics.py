"""The public statistics page: counts, response times and charts drawn on the server."""

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.departments import stats
from app.departments.charts import NARROW_AREA, NARROW_ROW, Bar, layout
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts import votes
from app.posts.models import PostStatus


def _backdate(post, hours_per_step: list[float]) -> None:
    """Space the post's status changes out: each step `hours` after the previous one."""
    changes = db.session.query(StatusChange).filter_by(post_id=post.id).order_by(StatusChange.id).all()
    moment = changes[0].created_at - timedelta(hours=sum(hours_per_step))
    for change, hours in zip(changes, [0, *hours_per_step], strict=False):
        moment += timedelta(hours=hours)
        change.created_at = moment
    db.session.commit()


def test_median_times_to_first_response_and_resolution_per_department(make):
    department = make.department()
    category = make.category(department=department)
    staff = make.user(Role.STAFF, department=department)
    for response_hours, resolve_hours in ((2, 10), (4, 20), (30, 40)):
        post = make.post(PostStatus.FORWARDED, category=category)
        workflow.transition(post, "acknowledge", staff, note="دریافت شد")
        workflow.transition(post, "resolve", staff, note="حل شد")
        db.session.commit()
        _backdate(post, [1, response_hours, resolve_hours - response_hours])  # approve→forward→ack→resolve
    waiting = make.post(PostStatus.FORWARDED, category=category)
    assert waiting.status is PostStatus.FORWARDED
    (times,) = stats.response_times()
    assert times.department.id == department.id
    assert (times.forwarded, times.responded, times.resolved) == (4, 3, 3)
    assert times.median_first_response == timedelta(hours=4)
    assert times.median_resolution == timedelta(hours=20)


def test_posts_forwarded_before_the_window_are_left_out(make):
    post = make.post(PostStatus.FORWARDED)
    staff = make.user(Role.STAFF, department=post.department)
    workflow.transition(post, "resolve", staff, note="حل شد")
    db.session.commit()
    for change in db.session.query(StatusChange).filter_by(post_id=post.id):
        change.created_at -= timedelta(days=120)
    db.session.commit()
    assert stats.response_times() == []


def test_the_page_draws_svg_charts_and_lists_the_most_supported_open_posts(client, make):
    top = make.post(PostStatus.PUBLISHED, title="بیشترین حمایت از این پست است")
    make.supporters(top, 3)
    make.post(PostStatus.FORWARDED)
    make.post(PostStatus.PENDING, title="پست در انتظار نباید دیده شود")
    page = client.get("/statistics").get_data(as_text=True)
    # Each chart twice: the wide drawing and the narrow one (label above its bar) for small screens.
    assert page.count('<svg class="bar-chart bar-chart-wide"') >= 3
    assert page.count('<svg class="bar-chart-narrow"') == page.count('<svg class="bar-chart bar-chart-wide"')
    assert "بیشترین حمایت از این پست است" in page and "پست در انتظار نباید دیده شود" not in page
    assert 'direction="rtl"' in page  # Persian charts read right to left


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_page_works_in_both_languages_even_when_empty(client, language):
    client.set_cookie("lang", language)
    response = client.get("/statistics")
    assert response.status_code == 200


@pytest.mark.parametrize("rtl", [True, False])
def test_the_narrow_chart_puts_each_label_above_a_bar_measured_in_per_cent(rtl):
    chart = layout([Bar("زیاد", 10, "۱۰"), Bar("کم", 5, "۵"), Bar("هیچ", 0, "۰")], rtl=rtl)
    longest, half, empty = chart.narrow
    assert (longest.share, half.share, empty.share) == (NARROW_AREA, NARROW_AREA / 2, 0)
    assert longest.label_y < longest.bar_y < half.label_y  # label, its bar, then the next label
    assert chart.narrow_height == 3 * NARROW_ROW
    if rtl:  # bars grow from the right edge; each value is written just before the bar begins
        assert longest.start + longest.share == 100 and longest.value_x == longest.start
    else:
        assert longest.start == 0 and longest.value_x == longest.share


def test_the_figures_are_counted_once_per_site_wide_write_not_per_request(client, make, auth, count_queries):
    post = make.post(PostStatus.PUBLISHED)
    voters = [make.user() for _ in range(2)]
    auth.login(make.user())
    with count_queries() as first:
        assert client.get("/statistics").status_code == 200
    with count_queries() as again:
        page = client.get("/statistics").get_data(as_text=True)
    assert any("GROUP BY" in q for q in first) and not any("GROUP BY" in q for q in again)
    for voter in voters:  # votes change no figure of the page
        votes.cast_vote(voter, post, votes.SUPPORT)
    db.session.commit()
    with count_queries() as voted:
        client.get("/statistics")
    assert not any("GROUP BY" in q for q in voted)
    workflow.transition(post, "forward", make.user(Role.MODERATOR))  # a status move: new figures
    db.session.commit()
    with count_queries() as after:
        moved = client.get("/statistics").get_data(as_text=True)
    assert any("GROUP BY" in q for q in after) and moved != page


def test_the_figures_are_counted_again_when_their_window_moves_on(client, make, auth, count_queries, monkeypatch):
    from app.core import cache

    make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    client.get("/statistics")
    now = cache._now()
    monkeypatch.setattr(cache, "_now", lambda: now + stats.FIGURES_REFRESH_SECONDS)
    with count_queries() as later:
        assert client.get("/statistics").status_code == 200
    assert any("GROUP BY" in q for q in later)  # ten minutes on: the 90 days end later too
