"""Photos: served only to those who may see their post, with headers that keep them inert."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.permissions import require
from app.core.redirects import safe_next_url
from app.extensions import db
from app.posts import permissions
from app.posts import photos as photo_store
from app.posts.models import Photo
from app.posts.routes import bp


def _send(key: str, content_type: str, *, public: bool):
    path = photo_store.path_of(key)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        conditional=True,
        etag=key.split(".")[0],
    )
    if public:  # a moderator may remove it: caches keep it briefly, then ask again (304 while it stays)
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PHOTO_CACHE_SECONDS"]
        response.cache_control.must_revalidate = True
    if not public:  # pending posts: only their author and the moderators see the photos
        response.cache_control.private = True
        response.cache_control.no_cache = True
        response.vary.add("Cookie")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.get("/photos/<int:photo_id>/<any(full, thumb):variant>")
def photo(photo_id: int, variant: str):
    photo = db.get_or_404(Photo, photo_id)
    require(permissions.can_view_post(current_user, photo.post), hide=True)
    key = photo.file_key if variant == "full" else photo.thumb_key
    return _send(key, photo.content_type, public=photo.post.is_public)


@bp.get("/photos/received/<token>")
@login_required
def received_photo(token: str):
    """The thumbnail of a photo a form is carrying, for the user who sent it."""
    staged = photo_store.staged_from_token(token, current_user)
    if staged is None:
        abort(404)
    return _send(staged.thumb_key, staged.content_type, public=False)


@bp.post("/photos/<int:photo_id>/remove")
@login_required
def remove_photo(photo_id: int):
    photo = db.get_or_404(Photo, photo_id)
    require(permissions.can_view_post(current_user, photo.post), hide=True)
    require(permissions.can_remove_photo(current_user, photo))
    post_id = photo.post_id
    photo_store.remove_photo(photo)
    db.session.commit()
    flash(_("The photo is removed."), "success")
    if request.form.get("next"):
        return redirect(safe_next_url())
    return redirect(url_for("posts.show", post_id=post_id, _anchor="photos"))
