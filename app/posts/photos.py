"""Photos of posts: decoded and re-encoded by Pillow (never trusted by name or declared type),
stripped of every piece of metadata (EXIF with GPS, XMP, ICC), turned upright, shrunk to sane
bounds, given a thumbnail, and stored in UPLOAD_DIR under the SHA-256 of their cleaned content.

A photo is received (processed and stored) before the post it belongs to is valid, so that a form
shown again after an error keeps the photos already sent: the form carries a signed token for
each one (`StagedPhoto.token`). Files nobody references are removed after the commit that
dropped their last row, and `flask posts prune-photos` sweeps those of forms never sent again.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from app.core.errors import DomainError
from app.extensions import db
from app.posts.models import Photo, Post

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
STAGED_MAX_AGE = 24 * 3600  # seconds a form may carry a received photo before sending it again
_REMOVED_KEYS = "shahrvand_removed_photo_keys"


class PhotoError(DomainError):
    """A file that cannot become a photo; the message says why, in the user's language."""


@dataclass(frozen=True)
class StagedPhoto:
    """A received photo, stored on disk but not yet attached to a post."""

    user_id: int
    file_key: str
    thumb_key: str
    content_type: str
    width: int
    height: int
    byte_size: int

    @property
    def token(self) -> str:
        return _serializer().dumps(asdict(self))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staged-photo")


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(key: str) -> Path:
    """Where a stored file lives: UPLOAD_DIR/ab/abcdef….jpg (keys are hashes: no path tricks)."""
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(key)
    return upload_dir() / key[:2] / key


# --- receiving -------------------------------------------------------------------------------


def receive_uploads(
    files: Iterable, kept_tokens: Iterable[str], user, *, room: int
) -> tuple[list[StagedPhoto], list[str]]:
    """Photos a form brings: the ones it kept from an earlier try, then the new files, `room` at most.

    Returns the staged photos and one message per file that could not be used. Tokens that are
    forged, stale or another user's are ignored; empty file inputs are skipped; files beyond the
    room are not even decoded.
    """
    staged: dict[str, StagedPhoto] = {}  # by content: the same photo twice counts once
    for photo in (_from_token(token, user) for token in kept_tokens):
        if photo is not None and len(staged) < room:
            staged[photo.file_key] = photo
    errors: list[str] = []
    budget = PixelBudget(current_app.config["PHOTO_PIXEL_BUDGET"])
    uploads = [storage for storage in files if storage is not None and getattr(storage, "filename", "")]
    for storage in uploads:
        if len(staged) >= room:
            errors.append(
                _(
                    "A post can have at most %(count)d photos; “%(name)s” was left out.",
                    count=current_app.config["PHOTOS_PER_POST"],
                    name=storage.filename[:80],
                )
            )
            continue
        try:
            photo = _stage(process(storage.stream, budget), user)
        except PhotoError as error:
            errors.append(_("“%(name)s”: %(problem)s", name=storage.filename[:80], problem=str(error)))
        else:
            staged.setdefault(photo.file_key, photo)
    return list(staged.values()), errors


def staged_from_token(token: str, user) -> StagedPhoto | None:
    """The staged photo a token stands for, if it is valid and belongs to the user."""
    return _from_token(token, user)


def _from_token(token: str, user) -> StagedPhoto | None:
    try:
        photo = StagedPhoto(**_serializer().loads(token, max_age=STAGED_MAX_AGE))
        stored = path_of(photo.file_key).is_file() and path_of(photo.thumb_key).is_file()
    except (BadSignature, TypeError, ValueError):
        return None
    if not stored or not user.is_authenticated or photo.user_id != user.id:
        return None
    return photo


class PixelBudget:
    """The pixels one request may decode, over all its photos (each is decoded, shrunk and let go
    before the next is opened, so memory holds one photo at a time)."""

    def __init__(self, pixels: int):
        self.left = pixels

    def spend(self, pixels: int) -> None:
        if pixels > self.left:
            raise PhotoError(_("Together with the other photos, this one is too large. Send smaller photos."))
        self.left -= pixels


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    thumb: bytes
    content_type: str
    extension: str
    width: int
    height: int


def process(stream, budget: PixelBudget | None = None) -> ProcessedPhoto:
    """Decode an uploaded file and re-encode it clean; raises PhotoError for anything else.

    `budget`: the pixels the request may still decode (spent from the header, before decoding).
    """
    config = current_app.config
    data = stream.read(config["PHOTO_MAX_BYTES"] + 1)
    if not data:
        raise PhotoError(_("The file is empty."))
    if len(data) > config["PHOTO_MAX_BYTES"]:
        raise PhotoError(_("The file is larger than %(size)d MB.", size=config["PHOTO_MAX_BYTES"] // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _decode(data, config["PHOTO_MAX_PIXELS"], budget)
            del data  # the compressed bytes are not needed once decoded
            return _encode(image)
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("This file is not a photo we can read. Send a JPEG, PNG or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError):
        raise PhotoError(_("This photo is damaged or incomplete. Try sending it again.")) from None


def _decode(data: bytes, max_pixels: int, budget: PixelBudget | None = None) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
        width, height = probe.size
        if width * height > max_pixels:
            raise PhotoError(_("The photo has too many pixels. Send a smaller one."))
        probe.verify()
    image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that still covers the stored size
        scale = current_app.config["PHOTO_MAX_SIDE"] / max(width, height)
        if scale < 1:
            image.draft(image.mode, (int(width * scale) + 1, int(height * scale) + 1))
    if budget is not None:
        budget.spend(image.width * image.height)  # what the decoder will really allocate
    image.load()
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated WebP or PNG: its first frame
    return image


def _encode(image: Image.Image) -> ProcessedPhoto:
    config = current_app.config
    if image.mode in ("RGB", "RGBA", "L", "LA"):  # shrink first: every step after copies the image
        image.thumbnail((config["PHOTO_MAX_SIDE"], config["PHOTO_MAX_SIDE"]), Image.Resampling.LANCZOS, 3.0)
    image = ImageOps.exif_transpose(image)  # upright, before the orientation tag goes with the rest
    image = _to_srgb(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}  # nothing of the original file travels on: EXIF, GPS, XMP, ICC, comments
    image.thumbnail((config["PHOTO_MAX_SIDE"], config["PHOTO_MAX_SIDE"]), Image.Resampling.LANCZOS, 3.0)
    thumb = ImageOps.fit(image, tuple(config["PHOTO_THUMB_SIZE"]), Image.Resampling.LANCZOS)
    if has_alpha:  # screenshots and drawings keep their transparency, losslessly
        save, content_type, extension = {"format": "PNG", "optimize": True}, "image/png", "png"
    else:
        save = {"format": "JPEG", "quality": config["PHOTO_JPEG_QUALITY"], "optimize": True, "progressive": True}
        content_type, extension = "image/jpeg", "jpg"
    full_bytes, thumb_bytes = io.BytesIO(), io.BytesIO()
    image.save(full_bytes, **save)
    thumb.save(thumb_bytes, **save)
    return ProcessedPhoto(
        full_bytes.getvalue(), thumb_bytes.getvalue(), content_type, extension, image.width, image.height
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the camera meant them, once its colour profile is dropped (Display P3 phones)."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _stage(photo: ProcessedPhoto, user) -> StagedPhoto:
    file_key = _store(photo.data, photo.extension)
    thumb_key = _store(photo.thumb, photo.extension)
    return StagedPhoto(user.id, file_key, thumb_key, photo.content_type, photo.width, photo.height, len(photo.data))


def _store(data: bytes, extension: str) -> str:
    return store_bytes(data, extension, path_of)


def store_bytes(data: bytes, extension: str, place: Callable[[str], Path]) -> str:
    """Write the bytes under their hash at `place(key)` (once: the same content is the same file),
    atomically, and return the key."""
    key = f"{hashlib.sha256(data).hexdigest()}.{extension}"
    path = place(key)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    return key


# --- attaching and removing ------------------------------------------------------------------


def attach_photos(post: Post, photos: Iterable[StagedPhoto], uploader) -> list[Photo]:
    """Add staged photos to a post, after the ones it has (the caller checks the limit)."""
    position = max((photo.position for photo in post.photos), default=-1) + 1
    attached = []
    for offset, staged in enumerate(photos):
        photo = Photo(
            file_key=staged.file_key,
            thumb_key=staged.thumb_key,
            content_type=staged.content_type,
            width=staged.width,
            height=staged.height,
            byte_size=staged.byte_size,
            position=position + offset,
            uploaded_by_id=uploader.id,
        )
        post.photos.append(photo)
        attached.append(photo)
    db.session.flush()
    return attached


def remove_photo(photo: Photo) -> None:
    """Take a photo off its post; its files go once the commit leaves no other row using them."""
    db.session.info.setdefault(_REMOVED_KEYS, set()).update({photo.file_key, photo.thumb_key})
    photo.post.photos.remove(photo)
    db.session.delete(photo)
    db.session.flush()


def unreferenced(keys: Iterable[str]) -> set[str]:
    """The keys no photo row uses."""
    keys = sorted(set(keys))
    used: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start : start + 500]
        rows = db.session.execute(
            select(Photo.file_key, Photo.thumb_key).where(or_(Photo.file_key.in_(chunk), Photo.thumb_key.in_(chunk)))
        )
        used.update(key for row in rows for key in row)
    return set(keys) - used


def prune_unreferenced(older_than_seconds: float) -> int:
    """Delete stored files no photo uses that are older than the given age; returns how many.

    They are photos of forms never sent again (or of a commit whose clean-up was interrupted);
    the age keeps the photos of forms being filled in right now.
    """
    root = upload_dir()
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    candidates = {path.name: path for path in root.glob("??/*") if path.is_file() and path.stat().st_mtime < cutoff}
    removed = 0
    for key in unreferenced(candidates):
        candidates[key].unlink(missing_ok=True)
        removed += 1
    return removed


@event.listens_for(Session, "after_commit")
def _delete_removed_files(session: Session) -> None:
    keys = session.info.pop(_REMOVED_KEYS, None)
    if not keys:
        return
    with db.engine.connect() as connection:  # the committed session cannot run SQL any more
        rows = connection.execute(
            select(Photo.file_key, Photo.thumb_key).where(or_(Photo.file_key.in_(keys), Photo.thumb_key.in_(keys)))
        )
        still_used = {key for row in rows for key in row}
    for key in keys - still_used:
        path_of(key).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _forget_removed_files(session: Session) -> None:
    session.info.pop(_REMOVED_KEYS, None)
