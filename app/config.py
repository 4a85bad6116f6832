"""Configuration defaults; instance/config.py and SHAHRVAND_* environment variables override them."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


class Defaults:
    """Settings for the embedded default: SQLite and the search index in instance/."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # derived from instance_path when unset
    SEARCH_INDEX_DIR: str | None = None  # derived from instance_path when unset
    UPLOAD_DIR: str | None = None

    BABEL_DEFAULT_LOCALE = "fa"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tehran"
    LANGUAGES = ("fa", "en")

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    MAX_CONTENT_LENGTH = 28 * 1024 * 1024  # three photos at their size limit, and the text

    RATELIMIT_STORAGE_URI = "memory://"  # redis://… in production with several workers
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    SIGNUP_RATE_LIMIT = "20 per hour"  # accounts created per address (generous: mobile carriers share addresses)
    # Per-account slow-down: after this many failed sign-ins, each further try waits longer.
    LOGIN_FREE_FAILURES = 5
    LOGIN_MAX_DELAY_SECONDS = 15 * 60

    # Argon2id cost; tests lower it.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024

    POSTS_PER_PAGE = 20
    COMMENT_EDIT_MINUTES = 15
    PAGE_CACHE_SIZE = 512  # rendered pages kept per process for visitors (0 turns the cache off)

    MAIL_FROM = "Shahrvand <no-reply@shahrvand.local>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 30  # seconds per SMTP conversation
    OUTBOX_BATCH_SIZE = 200  # e-mails sent per `flask notifications send`
    OUTBOX_MAX_ATTEMPTS = 6  # then the e-mail is marked failed (retries back off: 1, 2, 4, … minutes)
    SITE_URL = "http://127.0.0.1:5000"  # links in e-mails, which are written outside any request

    # Moderation defaults; admins override them at /admin/settings (see docs/decisions/).
    FLAG_HIDE_THRESHOLD = 3  # open flags that hide a post or comment until a moderator decides
    PROMISING_THRESHOLD = 10.0  # support score that puts a published post in the "promising" tab
    AUTO_FORWARD_ENABLED = False
    AUTO_FORWARD_THRESHOLD = 40.0  # support score that forwards a post without a moderator
    PROMISING_VELOCITY_WEIGHT = 1.0  # how much fresh support (7-day half-life) adds to the score

    # Maps (see docs/decisions/0009-maps-and-tiles.md). Any {z}/{x}/{y} tile URL; "" draws no tiles
    # (pins on a plain background), which is also what happens when the tile server is unreachable.
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    MAP_CITY_BOUNDS = (36.19, 59.40, 36.43, 59.74)  # south, west, north, east: Mashhad
    MAP_CENTER = (36.2970, 59.6060)  # latitude, longitude of the city map's first view
    MAP_ZOOM = 12
    MAP_MAX_POINTS = 2000  # pins sent to the city map at most (newest first)

    # Photos of problems (see docs/decisions/0008-photos.md).
    PHOTOS_PER_POST = 3
    PHOTO_MAX_BYTES = 8 * 1024 * 1024  # per uploaded file, before processing
    PHOTO_MAX_PIXELS = 40_000_000  # refuse larger images before decoding them (decompression bombs)
    PHOTO_MAX_SIDE = 2048  # longest side of the stored photo
    PHOTO_THUMB_SIZE = (480, 360)  # thumbnails are cropped to this box
    PHOTO_JPEG_QUALITY = 82
    POSTING_RATE_LIMIT = "120 per hour"  # sends of the post form per address (photos cost CPU to decode)

    # Search (see docs/decisions/0014-search-index.md and 0015-similar-posts-and-duplicates.md).
    SEARCH_SYNC_ON_COMMIT = True  # index right after each commit (without waiting); `flask worker` catches up
    # A draft is held back as a near-certain duplicate when its best match scores at least this much
    # (a draft with a place; one without), with at least this much text similarity. Calibrated on
    # boston311-dev by bench/duplicate_threshold.py: precision 97 %, at most 5 % of new posts asked.
    SEARCH_DUPLICATE_SCORE = 2.5
    SEARCH_DUPLICATE_SCORE_UNPLACED = 2.0
    SEARCH_DUPLICATE_TEXT = 0.5
    # Meaning beside words: a multilingual embedding of every post, computed by `flask worker`, mixed
    # into the similar-posts ranking (docs/decisions/0023-embeddings.md). False: words only.
    SEARCH_EMBEDDINGS = True
    # Similar-post suggestions asked per address: the form asks at most every half second while
    # someone types, so this is a person typing without pause; a script gets 429s.
    SIMILAR_RATE_LIMIT = "120 per minute"

    SITE_NAME = "Shahrvand"
    SEED_DEMO_ON_FIRST_RUN = False


def load_config(app, test_config: dict | None = None) -> None:
    """Fill app.config: defaults, then instance/config.py, then the environment, then test_config."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("SHAHRVAND")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(os.environ["DATABASE_URL"])
    else:
        app.config.from_mapping(test_config)

    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'shahrvand.sqlite3'}"
    app.config["SEARCH_INDEX_DIR"] = app.config["SEARCH_INDEX_DIR"] or str(instance / "search-index")
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)


def _sqlalchemy_url(url: str) -> str:
    """Accept the usual postgres:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, generating it on first run (never committed)."""
    path = instance / "secret_key.json"
    if path.exists():
        return json.loads(path.read_text())["secret_key"]
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return json.loads(path.read_text())["secret_key"]
    with os.fdopen(fd, "w") as fh:
        json.dump({"secret_key": key}, fh)
    return key
