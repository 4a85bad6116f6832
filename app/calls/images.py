"""A call's optional image: cleaned exactly as a post's photos (`posts.photos.process`), stored apart.

The files live under UPLOAD_DIR/calls/, where the posts' pruning of unreferenced photos (which
looks at UPLOAD_DIR/??/ only) never sees them: a call image is not a post's photo.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from app.posts import photos


def path_of(key: str) -> Path:
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(key)
    return photos.upload_dir() / "calls" / key


def _store(data: bytes, extension: str) -> str:
    key = f"{hashlib.sha256(data).hexdigest()}.{extension}"
    path = path_of(key)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    return key


def store_image(stream) -> tuple[str, str, str]:
    """Decode, clean and store an uploaded image: (file key, thumbnail key, content type).

    Raises `posts.photos.PhotoError` (a DomainError) for anything that is not a usable image."""
    processed = photos.process(stream, photos.PixelBudget(current_app.config["PHOTO_PIXEL_BUDGET"]))
    return (
        _store(processed.data, processed.extension),
        _store(processed.thumb, processed.extension),
        processed.content_type,
    )
