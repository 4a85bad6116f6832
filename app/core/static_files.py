"""Static files named by their content: `url_for('static', …)` adds `?v=<digest>`, and a request that
carries a version is cached by browsers for a year. A page then costs its visitors no request per
style sheet or script on the next page (they revalidated six of them on every page before); a
changed file gets a new address, so nobody keeps an old copy.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600
_DIGESTS: dict[str, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, digest)


def version_of(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256 (remembered while its time and size stay), or
    None when there is no such file under `folder`."""
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    known = _DIGESTS.get(path)
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    if not Path(path).resolve().is_relative_to(Path(folder).resolve()):
        return None
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    _DIGESTS[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def register(app: Flask) -> None:
    @app.url_defaults
    def _versioned(endpoint, values):
        if endpoint == "static" and "v" not in values and app.static_folder:
            version = version_of(app.static_folder, values.get("filename", ""))
            if version is not None:
                values["v"] = version

    default_max_age = app.get_send_file_max_age

    def max_age(filename):
        if request.endpoint == "static" and request.args.get("v"):
            return YEAR  # the address changes with the content
        return default_max_age(filename)

    app.get_send_file_max_age = max_age
