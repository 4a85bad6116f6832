"""The promising tab: a defensible score, its threshold, its order, and optional auto-forwarding."""

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.extensions import db
from app.moderation import promising, workflow
from app.moderation.models import StatusChange
from app.moderation.settings import Thresholds, update_thresholds
from app.posts import hot
from app.posts.models import Post, PostKind, PostStatus, Vote
from app.posts.votes import OPPOSE


def _set(make, **values):
    limits = {"flag_hide": 3, "promising": 10.0, "auto_forward_enabled": False, "auto_forward": 40.0} | values
    update_thresholds(make.user(Role.ADMIN), Thresholds(**limits))
    db.session.commit()


@pytest.mark.parametrize(
    ("up", "total", "expected"), [(0, 0, 0.0), (1, 1, 0.2065), (10, 10, 0.7225), (50, 100, 0.4038), (95, 100, 0.8882)]
)
def test_wilson_lower_bound_matches_the_published_values(up, total, expected):
    assert promising.wilson_lower_bound(up, total) == pytest.approx(expected, abs=1e-4)


def test_more_voters_with_the_same_share_score_higher():
    assert promising.confident_net_support(20, 0) > promising.confident_net_support(10, 0) > 0


def test_opposition_lowers_the_score_and_a_split_idea_scores_below_zero():
    assert promising.confident_net_support(30, 10) < promising.confident_net_support(30, 0)
    assert promising.confident_net_support(50, 50) < 0


def test_a_handful_of_votes_is_not_yet_promising():
    assert promising.confident_net_support(3, 0) < 0 < promising.confident_net_support(5, 0)


def _age_votes(post: Post, days: float) -> None:
    """Pretend every vote on the post was cast `days` ago (and its hot score with them)."""
    moment = utcnow() - timedelta(days=days)
    db.session.query(Vote).filter_by(post_id=post.id).update({"created_at": moment})
    post.published_at = moment - timedelta(days=1)
    post.hot_score = hot.weight(post.published_at) + post.up_count * hot.weight(moment)
    db.session.commit()


def test_fresh_support_counts_more_than_the_same_support_a_month_ago(make):
    fresh, old = make.post(PostStatus.PUBLISHED), make.post(PostStatus.PUBLISHED)
    make.supporters(fresh, 12)
    make.supporters(old, 12)
    _age_votes(old, 30)
    assert promising.score_post(fresh).recent == pytest.approx(12, abs=0.1)
    assert promising.score_post(old).recent == pytest.approx(12 / 2 ** (30 / 7), abs=0.1)
    assert promising.score_post(fresh).score > promising.score_post(old).score


def test_the_tab_lists_posts_over_the_threshold_best_first(make, client, auth):
    strong, medium, weak = (
        make.post(PostStatus.PUBLISHED, title=t)
        for t in ("پست با حمایت بسیار زیاد", "پست با حمایت متوسط خوب", "پست با حمایت خیلی کم")
    )
    make.supporters(strong, 14)
    make.supporters(medium, 8)
    make.supporters(weak, 3)
    forwarded = make.post(PostStatus.PUBLISHED, title="پستی که ارجاع شده است")
    make.supporters(forwarded, 20)
    workflow.transition(forwarded, "forward", make.user(Role.MODERATOR))  # no longer waits for a moderator
    db.session.commit()
    scored = promising.promising_posts()
    assert [s.post.id for s in scored] == [strong.id, medium.id]
    assert scored[0].score > scored[1].score >= 10
    auth.login(make.user(Role.MODERATOR))
    page = client.get("/moderation/promising").get_data(as_text=True)
    assert page.index("حمایت بسیار زیاد") < page.index("حمایت متوسط")
    assert "حمایت خیلی کم" not in page and "ارجاع شده است" not in page


def test_a_lower_threshold_lets_more_posts_in(make):
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 3)
    assert promising.promising_posts() == []
    _set(make, promising=2.0)
    assert [s.post.id for s in promising.promising_posts()] == [post.id]


def test_a_contested_idea_ranks_below_a_clearly_supported_one(make):
    clear = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA)
    contested = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA)
    make.supporters(clear, 12)
    make.supporters(contested, 16)
    make.supporters(contested, 8, value=OPPOSE)
    _set(make, promising=1.0)
    order = [s.post.id for s in promising.promising_posts()]
    assert order.index(clear.id) < order.index(contested.id)


def test_one_click_forward_goes_to_the_categorys_default_department(make, client, auth):
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 12)
    auth.login(make.user(Role.MODERATOR))
    page = client.get("/moderation/promising").get_data(as_text=True)
    assert post.category.default_department.name_fa in page
    response = client.post(
        f"/moderation/posts/{post.id}/transition",
        data={
            "action": "forward",
            "department": post.category.default_department_id,
            "note": "لطفا بررسی کنید",
            "next": "/moderation/promising",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation/promising")
    post = db.session.get(Post, post.id)
    assert post.status is PostStatus.FORWARDED and post.department_id == post.category.default_department_id


def test_forwarding_to_another_department_and_to_an_unknown_one(make, client, auth):
    post = make.post(PostStatus.PUBLISHED)
    other = make.department()
    auth.login(make.user(Role.MODERATOR))
    for department in ("x", "999999"):
        bad = client.post(
            f"/moderation/posts/{post.id}/transition", data={"action": "forward", "department": department}
        )
        assert bad.status_code == 422 and db.session.get(Post, post.id).status is PostStatus.PUBLISHED
    ok = client.post(f"/moderation/posts/{post.id}/transition", data={"action": "forward", "department": other.id})
    assert ok.status_code == 302 and db.session.get(Post, post.id).department_id == other.id


def test_auto_forwarding_is_off_by_default(make):
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 60)
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED


def test_auto_forwarding_sends_the_post_once_it_passes_the_second_threshold(make):
    _set(make, auto_forward_enabled=True, auto_forward=12.0)
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 8)
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED
    make.supporters(post, 4)
    post = db.session.get(Post, post.id)
    assert post.status is PostStatus.FORWARDED and post.department_id == post.category.default_department_id
    change = db.session.query(StatusChange).filter_by(post_id=post.id, action="forward").one()
    assert change.actor_id is None


def test_auto_forwarding_leaves_handed_back_posts_to_a_person(make):
    post = make.post(PostStatus.FORWARDED)
    workflow.transition(post, "hand_back", make.user(Role.MODERATOR), note="اداره‌ی دیگری")
    db.session.commit()
    _set(make, auto_forward_enabled=True, auto_forward=5.0)
    make.supporters(post, 10)
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED
    assert [p.id for p in promising.handed_back_posts()] == [post.id]


def test_settings_refuse_an_auto_threshold_below_the_promising_one(client, auth, make):
    auth.login(make.user(Role.ADMIN))
    response = client.post(
        "/moderation/settings",
        data={"flag_hide": "3", "promising": "10", "auto_forward_enabled": "y", "auto_forward": "5"},
    )
    assert response.status_code == 422
    response = client.post(
        "/moderation/settings",
        data={"flag_hide": "۴", "promising": "12.5", "auto_forward_enabled": "y", "auto_forward": "30"},
    )
    assert response.status_code == 302
    assert promising.thresholds() == Thresholds(4, 12.5, True, 30.0)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "inf", "-inf", "1e999", "ده"])
def test_thresholds_must_be_real_numbers(client, auth, make, value):
    auth.login(make.user(Role.ADMIN))
    data = {"flag_hide": "3", "promising": value, "auto_forward": "40"}
    assert client.post("/moderation/settings", data=data).status_code == 422
