"""Configuration defaults; instance/config.py and SHAHRVAND_* environment variables override them."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import ClassVar


class Defaults:
    """Settings for the embedded default: SQLite and the search index in instance/."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # derived from instance_path when unset
    # A connection that died while idle (the database restarted) is replaced before use, not failed on.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 30000  # wait for another writer this long, then answer 503
    SEARCH_INDEX_DIR: str | None = None  # derived from instance_path when unset
    UPLOAD_DIR: str | None = None

    BABEL_DEFAULT_LOCALE = "fa"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tehran"
    LANGUAGES = ("fa", "en")

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    # None: Secure exactly when SITE_URL is https (app.core.security); True or False forces it.
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    MAX_CONTENT_LENGTH = 28 * 1024 * 1024  # three photos at their size limit, and the text

    RATELIMIT_STORAGE_URI = "memory://"  # redis://… in production with several workers
    RATELIMIT_HEADERS_ENABLED = True
    # Counted on entry, in a window that slides (no double burst across a window's edge); see
    # app/core/rate_limits.py and docs/decisions/0019-abuse-limits-and-headers.md.
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_RATE_LIMIT = "10 per minute"  # sign-in tries per address, every try counted
    COMMENT_RATE_LIMIT = "10 per minute;100 per day"  # comments written or edited per account
    VOTE_RATE_LIMIT = "60 per minute"  # votes per account (a vote can be changed back and forth)
    FLAG_RATE_LIMIT = "20 per hour"  # flags per account
    SEARCH_RATE_LIMIT = "60 per minute"  # searches per address
    SIGNUP_RATE_LIMIT = "20 per hour"  # accounts created per address (generous: mobile carriers share addresses)
    # Accounts (docs/decisions/0018-accounts-a-city-can-trust.md).
    EMAIL_VERIFICATION_REQUIRED = True  # unverified residents read, follow and write, but do not take part
    EMAIL_VERIFICATION_MAX_AGE = 7 * 24 * 60 * 60  # seconds a verification link works
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link works (and only until the password changes)
    RESET_RATE_LIMIT = "10 per hour"  # reset requests per client address
    RESET_PER_MAILBOX_RATE_LIMIT = "3 per hour"  # reset requests per e-mail address asked about
    SIGNUP_OWNER_MAIL_RATE_LIMIT = "3 per hour"  # "someone tried to sign up with your address" per mailbox
    VERIFY_MAIL_RATE_LIMIT = "3 per hour"  # "send the link again" per account
    # Per-address slow-down: after this many failed sign-ins, each further try waits longer.
    LOGIN_FREE_FAILURES = 5
    LOGIN_MAX_DELAY_SECONDS = 15 * 60

    # Argon2id cost (RFC 9106's second recommended setting: 3 passes, 64 MiB, 4 lanes); tests lower it.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    POSTS_PER_PAGE = 20
    COMMENT_EDIT_MINUTES = 15
    PAGE_CACHE_SIZE = 512  # rendered pages kept per process for visitors (0 turns the cache off)
    FRAGMENT_CACHE_SIZE = 2048  # rendered parts of signed-in pages kept per process (0 turns it off)
    READER_PAGE_CACHE_SIZE = 1024  # whole signed-in pages shared by a class of readers, per process (0: off)
    PANEL_REFRESH_SECONDS = 60  # a post page's similar posts and relative times are at most this old
    COMMENTS_PER_PAGE = 50  # comments (with their replies) on one page of a post's thread

    MAIL_FROM = "Shahrvand <no-reply@shahrvand.local>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 30  # seconds per SMTP conversation
    OUTBOX_BATCH_SIZE = 200  # e-mails sent per `flask notifications send`
    OUTBOX_MAX_ATTEMPTS = 6  # then the e-mail is marked failed (retries back off: 1, 2, 4, … minutes)
    # Links in e-mails and exports, which are written outside any request. Unset: the address `make run`
    # serves, http://127.0.0.1:$PORT (5000 without PORT); see local_site_url().
    SITE_URL: str | None = None

    # Moderation defaults; admins override them at /admin/settings (see docs/decisions/).
    FLAG_HIDE_THRESHOLD = 3  # counted open flags that hide a post or comment until a moderator decides
    FLAG_HIDE_SUPPORTERS_PER_FLAG = 10  # a post needs one more counted flag per this many supporters (0: off)
    FLAG_TRUST_MIN_AGE_DAYS = 7  # a resident's flag counts towards hiding once the account is this old
    PROMISING_THRESHOLD = 10.0  # support score that puts a published post in the "promising" tab
    FIX_REMINDER_DAYS = 28  # "is it fixed?" is asked once more after this many days without an answer
    AUTO_FORWARD_ENABLED = False
    AUTO_FORWARD_THRESHOLD = 40.0  # support score that forwards a post without a moderator
    PROMISING_VELOCITY_WEIGHT = 1.0  # how much fresh support (7-day half-life) adds to the score
    # A similar problem farther than this from the post a moderator reads is shown dimmed, with no
    # one-click "duplicate of this" (it can still be opened, and marked by its number).
    DUPLICATE_ONE_CLICK_KM = 2.0

    # Maps (see docs/decisions/0009-maps-and-tiles.md). Any {z}/{x}/{y} tile URL; "" draws no tiles
    # (pins on a plain background), which is also what happens when the tile server is unreachable.
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    MAP_CITY_BOUNDS = (36.19, 59.40, 36.43, 59.74)  # south, west, north, east: Mashhad
    MAP_CENTER = (36.2970, 59.6060)  # latitude, longitude of the city map's first view
    MAP_ZOOM = 12
    MAP_MAX_POINTS = 2000  # pins in one street-level view at most; more are clusters (app.posts.map_view)

    # Photos of problems (see docs/decisions/0008-photos.md).
    PHOTOS_PER_POST = 3
    PHOTO_MAX_BYTES = 8 * 1024 * 1024  # per uploaded file, before processing
    PHOTO_MAX_PIXELS = 40_000_000  # refuse larger images before decoding them (decompression bombs)
    PHOTO_PIXEL_BUDGET = 60_000_000  # pixels one request may decode over all its photos (one at a time)
    PHOTO_MAX_SIDE = 2048  # longest side of the stored photo
    PHOTO_THUMB_SIZE = (480, 360)  # thumbnails are cropped to this box
    PHOTO_JPEG_QUALITY = 82
    PHOTO_CACHE_SECONDS = 300  # how long any cache may keep a public photo before asking again
    POSTING_RATE_LIMIT = "120 per hour"  # sends of the post form per address (photos cost CPU to decode)

    # Search (see docs/decisions/0014-search-index.md and 0015-similar-posts-and-duplicates.md).
    # "whoosh" (an index folder on one host) or "postgres" (the database's own full-text search, for
    # several hosts); unset: "postgres" when the database is PostgreSQL, "whoosh" otherwise.
    SEARCH_BACKEND: str | None = None
    SEARCH_SYNC_ON_COMMIT = True  # index right after each commit (without waiting); `flask worker` catches up
    SEARCH_SYNC_ON_COMMIT_ROWS = 20  # queue rows a request indexes at most after its commit; the worker the rest
    # A vote's re-indexing (its post's support, for "most supported" search results) waits for the worker
    # (its round: 0.5 s) instead of an index commit in the request; True: indexed after the vote's commit.
    SEARCH_SYNC_COUNTERS_ON_COMMIT = False
    # `flask search rebuild` writes with this many processes (None: one per core) once there are this
    # many posts (docs/decisions/0032-whoosh-at-scale.md).
    SEARCH_REBUILD_PROCESSES: int | None = None
    SEARCH_REBUILD_PARALLEL_FROM = 5000
    # Posts per segment a rebuild writes at most: a segment's postings stay in memory until it is
    # written (about 6 kB a post, so about 300 MB per writing process).
    SEARCH_REBUILD_SEGMENT_POSTS = 50_000
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

    # Open311 GeoReport v2 (/open311/v2/) and the JSON API (/api/v1/); see docs/decisions/0021-api-and-open311.md.
    OPEN311_CHANGESET = "2026-12-03T00:00:00Z"  # when the endpoint last changed, as discovery reports it
    OPEN311_CONTACT = "Shahrvand administrators, through the site's contact address"
    OPEN311_KEY_SERVICE = "Ask the site's administrators for an API key (flask apikeys create NAME --owner EMAIL)"
    OPEN311_KEY_RATE_LIMIT = "60 per minute"  # requests created per API key
    OPEN311_READ_RATE_LIMIT = "120 per minute"  # reads per address (a list is up to 1,000 requests)
    OPEN_DATA_RATE_LIMIT = "10 per minute"  # full exports per address (each may stream 100,000 posts)
    API_RATE_LIMIT = "300 per minute"  # /api/v1/ calls per token (or per address without one)
    API_PAGE_SIZE = 20
    API_PAGE_MAX = 100

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
    if not app.config["SITE_URL"]:  # tests do not read the environment, and so get port 5000
        app.config["SITE_URL"] = local_site_url(os.environ.get("PORT") if test_config is None else None)
    from app.core.security import secure_cookies_for_https

    secure_cookies_for_https(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)


def local_site_url(port: str | None) -> str:
    """The address scripts/run.sh serves on (127.0.0.1, port PORT), when no SITE_URL is configured:
    without it, links in e-mails and exports pointed at port 5000 whatever the port the site used."""
    port = (port or "").strip()
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        port = "5000"
    return f"http://127.0.0.1:{int(port)}"


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
