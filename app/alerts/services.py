"""Following categories, departments and areas, and alerting their followers of new posts."""

from __future__ import annotations

import math

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select

from app.accounts.permissions import can_participate
from app.alerts.models import TopicFollow
from app.alerts.neighbourhoods import neighbourhood
from app.core.errors import DomainConflictError, DomainError
from app.core.pagination import Page, paginate
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.posts.follows import follower_ids
from app.posts.models import PUBLIC_STATUSES, Follow, Post, PostStatus
from app.posts.places import is_in_city

RADIUS_MIN_M, RADIUS_MAX_M = 100, 5000
MAX_FOLLOWS = 50  # per resident: enough for any real interest, bounded work per new post


class FollowError(DomainError):
    """The follow cannot be made (422; 409 when it exists already)."""


def follows_of(user) -> list[TopicFollow]:
    return list(db.session.scalars(select(TopicFollow).where(TopicFollow.user_id == user.id).order_by(TopicFollow.id)))


def _add(user, **target) -> TopicFollow:
    if not can_participate(user):
        raise FollowError(_("Your account may not follow anything."), status=403)
    existing = follows_of(user)
    if len(existing) >= MAX_FOLLOWS:
        raise FollowError(_("You follow %(max)d things already: unfollow one first.", max=MAX_FOLLOWS))
    if any(all(getattr(f, k) == v for k, v in target.items()) for f in existing):
        raise DomainConflictError(_("You follow this already."))
    follow = TopicFollow(user_id=user.id, **target)
    db.session.add(follow)
    db.session.flush()
    return follow


def follow_category(user, category) -> TopicFollow:
    """Hear of every new published post in the category."""
    if category is None or not category.is_active:
        raise FollowError(_("Choose a category."), field="category")
    return _add(user, category_id=category.id)


def follow_department(user, department) -> TopicFollow:
    """Hear of every post forwarded to the department."""
    if department is None or not department.is_active:
        raise FollowError(_("Choose a department."), field="department")
    return _add(user, department_id=department.id)


def follow_area(user, latitude: float | None, longitude: float | None, radius_m: int | None) -> TopicFollow:
    """Hear of every new published post with a place inside the circle."""
    if latitude is None or longitude is None or not is_in_city(latitude, longitude):
        raise FollowError(_("Choose a centre inside the city."), field="latitude")
    if radius_m is None or not RADIUS_MIN_M <= radius_m <= RADIUS_MAX_M:
        raise FollowError(
            _("The radius must be %(min)d to %(max)d metres.", min=RADIUS_MIN_M, max=RADIUS_MAX_M), field="radius_m"
        )
    return _add(user, latitude=round(latitude, 5), longitude=round(longitude, 5), radius_m=radius_m)


def followed_posts(user, page: int, per_page: int) -> Page:
    """The posts the user follows, most recently active first: public ones, their own, and those withdrawn
    since (listed, so that the follower sees where they went, though the page is no longer open to them)."""
    query = (
        select(Post)
        .join(Follow, Follow.post_id == Post.id)
        .where(
            Follow.user_id == user.id,
            or_(
                and_(Post.status.in_(PUBLIC_STATUSES), Post.is_hidden.is_(False)),
                Post.author_id == user.id,
                Post.status == PostStatus.WITHDRAWN,
            ),
        )
        .order_by(Post.last_activity_at.desc(), Post.id.desc())
    )
    return paginate(query, page, per_page)


def unfollow_post(user, post_id: int) -> None:
    """Stop following a post, whatever became of it (even one the user can no longer open)."""
    removed = db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.post_id == post_id))
    if not removed.rowcount:
        raise FollowError(_("You do not follow this post."), status=404)


def follow_neighbourhood(user, key: str | None) -> TopicFollow:
    """Follow a neighbourhood of the list: its circle, remembered with its name."""
    place = neighbourhood(key)
    if place is None:
        raise FollowError(_("Choose a neighbourhood from the list."), field="place")
    if any(f.place_key == place.key for f in follows_of(user)):
        raise DomainConflictError(_("You follow this already."))
    return _add(user, latitude=place.latitude, longitude=place.longitude, radius_m=place.radius_m, place_key=place.key)


def unfollow(follow: TopicFollow) -> None:
    db.session.execute(delete(TopicFollow).where(TopicFollow.id == follow.id))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def area_follower_ids(post: Post) -> set[int]:
    if not post.has_location:
        return set()
    # A box of the largest radius around the post first (in SQL), then the exact distance.
    d_lat = RADIUS_MAX_M / 111_000
    d_lon = d_lat / max(math.cos(math.radians(post.latitude)), 0.1)
    areas = db.session.execute(
        select(TopicFollow.user_id, TopicFollow.latitude, TopicFollow.longitude, TopicFollow.radius_m).where(
            TopicFollow.radius_m.is_not(None),
            TopicFollow.latitude.between(post.latitude - d_lat, post.latitude + d_lat),
            TopicFollow.longitude.between(post.longitude - d_lon, post.longitude + d_lon),
        )
    )
    return {
        user_id for user_id, lat, lon, radius in areas if distance_m(lat, lon, post.latitude, post.longitude) <= radius
    }


def alert_published(post: Post) -> None:
    """A post was published: tell those who follow its category or an area around it."""
    by_category = set(
        db.session.scalars(select(TopicFollow.user_id).where(TopicFollow.category_id == post.category_id))
    )
    by_area = area_follower_ids(post) - by_category
    _alert(post, by_category, "category")
    _alert(post, by_area, "area")


def alert_forwarded(post: Post) -> None:
    """A post went to a department: tell those who follow that department."""
    followers = set(
        db.session.scalars(select(TopicFollow.user_id).where(TopicFollow.department_id == post.department_id))
    )
    _alert(post, followers, "department")


def _alert(post: Post, user_ids: set[int], topic: str) -> None:
    # The author and the post's own followers hear of it through the post already.
    user_ids = user_ids - {post.author_id} - set(follower_ids(post))
    if user_ids:
        notify(user_ids, NotificationKind.FOLLOWED_TOPIC, post=post, extra={"topic": topic})
