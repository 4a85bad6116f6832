"""A call's optional image: cleaned exactly as a post's photos (`posts.photos.process`), stored apart.

The files live under UPLOAD_DIR/calls/, where the posts' pruning of unreferenced photos (which
looks at UPLOAD_DIR/??/ only) never sees them: a call image is not a post's photo. An image is
stored when the form brings it, before the call is valid, so that a form shown again after an error
keeps it: the form carries a signed token of it (`StoredImage.token`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.posts import photos


def path_of(key: str) -> Path:
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(key)
    return photos.upload_dir() / "calls" / key


def _store(data: bytes, extension: str) -> str:
    return photos.store_bytes(data, extension, path_of)


@dataclass(frozen=True)
class StoredImage:
    file_key: str
    thumb_key: str
    content_type: str

    def token(self, user) -> str:
        return _serializer().dumps([self.file_key, self.thumb_key, self.content_type, user.id])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="call-image")


def from_token(token: str | None, user) -> StoredImage | None:
    """The image a form kept from an earlier try, if the token is valid, the user's, and the files exist."""
    try:
        file_key, thumb_key, content_type, user_id = _serializer().loads(token or "", max_age=photos.STAGED_MAX_AGE)
        stored = path_of(file_key).is_file() and path_of(thumb_key).is_file()
    except (BadSignature, TypeError, ValueError):
        return None
    if not stored or not user.is_authenticated or user_id != user.id:
        return None
    return StoredImage(file_key, thumb_key, content_type)


def store_image(stream) -> StoredImage:
    """Decode, clean and store an uploaded image.

    Raises `posts.photos.PhotoError` (a DomainError) for anything that is not a usable image."""
    processed = photos.process(stream, photos.PixelBudget(current_app.config["PHOTO_PIXEL_BUDGET"]))
    return StoredImage(
        _store(processed.data, processed.extension),
        _store(processed.thumb, processed.extension),
        processed.content_type,
    )
