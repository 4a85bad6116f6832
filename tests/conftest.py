"""Fixtures in flaskr's shape: app, client, runner, auth; plus factories for every model.

Every test gets an app as it was built, an empty database and an empty index folder. What is slow
to build is built once per process and handed out fresh (see docs/decisions/0017-fast-test-suite.md):
the schema (a template SQLite file copied per test; on PostgreSQL one database per xdist worker,
emptied per test), the compiled templates (a bytecode cache that every app shares), the app
itself (one per set of settings, reset between tests: `_KeptApp`) and, on SQLite, the worlds that
many tests build alike (`world_kept`: the rows, index and uploads copied back).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import enum
import functools
import gc
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

import flask
import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_login import AnonymousUserMixin
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule

from app import create_app, import_models
from app.core import cache
from app.core.cache import ensure_generation_row
from app.extensions import db, limiter
from app.search.pg.tables import create_tables as create_search_tables
from app.search.pg.tables import drop_tables as drop_search_tables
from app.search.pg.tables import metadata as search_tables
from app.search.store import IndexStore
from tests import factories

SQLITE_FILE = "test.sqlite3"


def _database_url() -> str | None:
    """DATABASE_URL when set (CI runs the suite on both SQLite and PostgreSQL), with psycopg 3."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url or None


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for every app of this process: a new app would otherwise
    compile each template again (Jinja keys the code by template name and source checksum)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedBytecode()


class _SharedBuilderRule(Rule):
    """URL rules parsed, and their URL builders compiled, once per process, not once per test app.

    Werkzeug turns every rule into a small Python function (an AST compiled with `compile`) when the
    rule is added: 122 rules for each of the suite's ~1,800 apps was the largest part of
    `create_app`. The function depends only on the rule's parts and its defaults (it reaches the
    converters through the rule it is bound to), so one compiled copy serves every app.
    """

    _builders: ClassVar[dict[tuple, object]] = {}
    # A rule's text parsed into its parts (regular expressions, weights) and the converters it asks
    # for, per rule text and map settings: the other half of adding a rule. Converters are still
    # made anew for each app's map, from the same arguments.
    _parsed: ClassVar[dict[tuple, tuple]] = {}

    def compile(self) -> None:
        url_map = self.map
        key = (
            self.rule,
            self.host if url_map.host_matching else self.subdomain,
            url_map.host_matching,
            self.merge_slashes,
            tuple(sorted(url_map.converters.items())),
        )
        parsed = self._parsed.get(key)
        if parsed is None:
            asked: list[tuple] = []
            self._asked = asked
            try:
                super().compile()
            finally:
                del self._asked
            self._parsed[key] = (tuple(self._parts), tuple(self._trace), tuple(asked))
            return
        parts, trace, asked = parsed
        self._parts, self._trace = list(parts), list(trace)
        self._converters = {}
        for variable, converter, args, kwargs in asked:
            self._converters[variable] = self.get_converter(variable, converter, args, kwargs)
            self.arguments.add(variable)
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    def get_converter(self, variable_name, converter_name, args, kwargs):
        asked = getattr(self, "_asked", None)
        if asked is not None:
            asked.append((variable_name, converter_name, args, kwargs))
        return super().get_converter(variable_name, converter_name, args, kwargs)

    def _compile_builder(self, append_unknown: bool = True):
        defaults = tuple(sorted((key, repr(value)) for key, value in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        if key not in self._builders:
            self._builders[key] = super()._compile_builder(append_unknown)
        return self._builders[key]


Flask.url_rule_class = _SharedBuilderRule  # every app the tests create; the app itself is unchanged


class _SharedCompiledSQL:
    """SQL compiled once per process, not once per test app.

    Each test app gets its own Engine (its own pool, URL and connection settings), and each new
    Engine starts with an empty compiled cache and a new dialect object, which is part of every cache
    key: the same statements were compiled again for every test (about a fifth of a profiled run).
    Here every engine of the process uses one compiled cache, and engines with the same driver and
    options use one dialect object once it has been initialised by a first connection (the server's
    version and settings: the same server for the whole run). Statements, connections and
    transactions are untouched; the app's own `create_engine` settings still apply to each engine.
    """

    def __init__(self, size: int = 5000):
        self.cache = LRUCache(size)
        self.dialects: dict[tuple, object] = {}

    def make_engine(self, _bind_key, options: dict, _app):
        engine = sa.engine_from_config(options, prefix="")
        engine._compiled_cache = self.cache
        key = (
            engine.url.drivername,
            engine.url.database in (None, "", ":memory:"),
            repr(sorted((name, repr(value)) for name, value in options.items() if name != "url")),
        )
        shared = self.dialects.get(key)
        if shared is None:
            # the first engine's dialect is shared once its first connection initialised it
            event.listen(engine.pool, "connect", lambda *_: self.dialects.setdefault(key, engine.dialect), once=True)
        elif shared is not engine.dialect:
            engine.dialect = engine.pool._dialect = shared
        return engine


db._make_engine = _SharedCompiledSQL().make_engine  # Flask-SQLAlchemy's hook that builds each app's engine


def pytest_collection_finish(session):
    """Fewer, cheaper garbage collections: what is loaded once collection is over (the app's modules,
    SQLAlchemy, Whoosh, numpy, every test module) is moved out of the collector's reach for the rest
    of the run, and a collection starts after 5,000 new objects rather than 700. Each test app makes
    tens of thousands of objects, and the collector walked them (and, in full collections, all of
    the above) about seven times a test: 12% of the CPU of tests/moderation and tests/posts, 7% now.
    Objects without cycles are freed as before, when their last reference goes."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(5000, 20, 20)


@pytest.fixture(scope="session")
def _schema(tmp_path_factory):
    """The empty schema, built once per process: a SQLite file to copy, or this worker's database."""
    import_models()
    url = _database_url()
    if url is None:
        template = tmp_path_factory.mktemp("schema") / SQLITE_FILE
        engine = create_engine(f"sqlite:///{template}")
        _build_schema(engine)
        engine.dispose()  # folds the write-ahead log into the file, ready to copy
        yield {"template": template}
    elif make_url(url).get_backend_name() != "postgresql":
        yield {"url": url}
    else:
        yield from _postgres_database(make_url(url))


def _postgres_database(url):
    """This xdist worker's own database (DATABASE_URL's name + `_gw0`, `_gw1`, …), made and dropped
    here; without xdist, DATABASE_URL's database itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    own = url.set(database=f"{url.database}_{worker}") if worker else url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    if worker:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    engine = create_engine(own)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.metadata.drop_all(engine)
    _build_schema(engine)
    engine.dispose()
    yield {"url": own.render_as_string(hide_password=False)}
    if worker:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
    admin.dispose()


def _build_schema(engine) -> None:
    from app.core.db import configure_engine

    configure_engine(engine)  # the same pragmas as the app (WAL is a property of the file)
    db.metadata.create_all(engine)
    create_search_tables(engine)  # PostgreSQL only, as the migration does
    with engine.begin() as connection:
        # The site's generation and the lists' (as the migrations make them).
        connection.execute(text("INSERT INTO site_generation (id, value) VALUES (1, 0), (2, 0)"))


def _reset_postgres() -> None:
    """Empty every table of this worker's database (identities restarted, as a new schema has),
    or rebuild the schema when a test changed it (the migration tests drop and rebuild it)."""
    tables = set(inspect(db.engine).get_table_names())
    if tables != set(db.metadata.tables) | set(search_tables.tables):
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.drop_all()
        drop_search_tables(db.engine)
        db.create_all()
        create_search_tables(db.engine)
    else:
        everything = [*db.metadata.sorted_tables, *search_tables.sorted_tables]
        names = ", ".join(f'"{table.name}"' for table in everything)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    ensure_generation_row()
    db.session.commit()


@pytest.fixture(scope="session")
def _app_home(tmp_path_factory) -> Path:
    """Where the app under test keeps its files: the SQLite database, the index and the uploads
    (made fresh for every test by the `app` fixture)."""
    return tmp_path_factory.mktemp("app")


def _standard_config(home: Path, schema: dict) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": schema.get("url") or f"sqlite:///{home / SQLITE_FILE}",
        "SEARCH_INDEX_DIR": str(home / "index"),
        "UPLOAD_DIR": str(home / "uploads"),
        "WTF_CSRF_ENABLED": False,
        # Argon2id at its cheapest (one lane of 8 KiB): 0.02 ms a hash instead of 0.9 ms with four
        # lanes, which start four threads for every hash (the suite hashes and checks thousands).
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # The suite's other tests keep to the embedded default on either database (their query counts
        # are pinned with it); tests/search runs each search test on both backends (`backend` fixture).
        "SEARCH_BACKEND": "whoosh",
    }


@pytest.fixture
def app_config(_app_home, _schema) -> dict:
    """Settings of the app under test; a test may change them before asking for `app`."""
    return _standard_config(_app_home, _schema)


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server does: its own app context, `g` and
    database session, never the test's (which would hide stale caches and identity maps)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            factories.index_what_factories_left()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()  # end the test's read snapshot: it sees what the request committed
        return response


class IndexedRunner(FlaskCliRunner):
    """A command sees what the factories made, in the index too (as after a request)."""

    def invoke(self, *args, **kwargs):
        if has_app_context():
            factories.index_what_factories_left()
        return super().invoke(*args, **kwargs)


def _reading_the_index(read):
    """IndexStore's way of reading the index, with the test's factories' rows checked first."""

    @functools.wraps(read)
    def reading(*args, **kwargs):
        factories.index_read()
        return read(*args, **kwargs)

    return reading


IndexStore._acquire = _reading_the_index(IndexStore._acquire)  # a searcher
IndexStore.version = _reading_the_index(IndexStore.version)  # what memoized answers are keyed on


def _identities(value) -> object:
    """What a registry holds, by identity: the same functions and objects, not only as many."""
    if isinstance(value, dict):  # keys with nothing under them left out: Flask's defaultdicts grow them on look-up
        return tuple(sorted((repr(key), _identities(item)) for key, item in value.items() if _holds(item)))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_identities(item)) for item in value))
    if isinstance(value, (list, tuple)):
        return tuple(_identities(item) for item in value)
    return id(value)


def _holds(value) -> bool:
    return not isinstance(value, (dict, list, tuple, set, frozenset)) or any(
        map(_holds, value.values() if isinstance(value, dict) else value)
    )


def _listeners(dispatch, *, by_identity: bool = True) -> tuple:
    events = sorted(dispatch._event_names)
    if not by_identity:  # a pool's: `engine.dispose()` makes a new pool, its listeners copied anew
        return tuple((name, len(getattr(dispatch, name))) for name in events)
    return tuple((name, tuple(map(id, getattr(dispatch, name)))) for name in events)


def _registries(app: Flask) -> tuple:
    """The app's rules, views, hooks, handlers, template names, extension registries, engine and
    pool listeners and the receivers of Flask's signals for it, by identity: what a test could add
    to an app, or put in another's place, and leave behind."""
    with app.app_context():
        engine = db.engine
    env = app.jinja_env
    return (
        tuple(map(id, app.url_map.iter_rules())),
        tuple(map(id, app.view_functions.values())),
        _identities(
            [
                app.before_request_funcs,
                app.after_request_funcs,
                app.teardown_request_funcs,
                app.template_context_processors,
                app.url_value_preprocessors,
                app.url_default_functions,
                app.teardown_appcontext_funcs,
                app.error_handler_spec,
            ]
        ),
        tuple(
            tuple((key, id(value)) for key, value in names.items()) for names in (env.globals, env.filters, env.tests)
        ),
        _identities({key: value for key, value in app.extensions.items() if isinstance(value, (dict, list, set))}),
        _listeners(engine.dispatch),
        _listeners(engine.pool.dispatch, by_identity=False),
        tuple(
            tuple(map(id, signal.receivers_for(app)))
            for signal in (
                flask.template_rendered,
                flask.before_render_template,
                flask.request_started,
                flask.request_finished,
                flask.request_tearing_down,
                flask.got_request_exception,
                flask.appcontext_tearing_down,
                flask.appcontext_pushed,
                flask.appcontext_popped,
                flask.message_flashed,
            )
        ),
    )


class _KeptApp:
    """An app built once per process for one set of settings, and handed to every test that asks
    for the same settings (a test choosing a database of its own gets an app of its own, as before).

    Building an app cost 5–6 ms and its first pages 3–4 ms more (Jinja loads each template into the
    new app's environment): about 9 ms for each of the suite's ~2,000 app tests. Between two tests,
    what a request or a test can change on the app is put back as it was when it was built: its
    settings, its extensions (the page, fragment, reader-page and vote caches are made again when
    first used), the index store (closed, its memo forgotten), the rate limiter (its storage
    emptied, its state as this app set it up), and Flask's "first request served" mark (so that a
    test may still add to the app). The database file, the index and the uploads are made fresh by
    `app_under_test`, as for any app. If a test added or replaced a rule, a view, a hook, a handler,
    a template name, an extension's registry entry, an engine or pool listener or a receiver of
    Flask's signals for the app, or changed a setting in place, the app is not handed out again:
    the next test with those settings builds a new one (tests/test_kept_app.py).
    """

    def __init__(self, app: Flask) -> None:
        self.app: Flask | None = app
        self.settings = dict(app.config)
        self.settings_copy = copy.deepcopy(self.settings)
        self.extensions = dict(app.extensions)
        self.limiter_state = vars(limiter).copy()
        self.registries = _registries(app)

    def reset_extensions(self) -> None:
        """The app's extensions as it was built (the caches made when first used are gone), and its
        index store closed, its memo forgotten."""
        self.app.extensions.clear()
        self.app.extensions.update(self.extensions)
        self.app.extensions["search_store"].close()

    def reuse(self) -> Flask | None:
        """The app, reset; None if a test changed it for good."""
        app = self.app
        if app is None:
            return None
        app.config.clear()
        app.config.update(self.settings)
        self.reset_extensions()
        if dict(app.config) != self.settings_copy or _registries(app) != self.registries:
            self.app = None
            return None
        app._got_first_request = False  # Flask refuses set-up methods after it (a new app takes them)
        vars(limiter).update(self.limiter_state)  # another app built since then set the limiter up for itself
        if limiter.enabled:
            limiter.reset()
        return app


_KEPT_APPS: dict[str, _KeptApp] = {}  # by the settings they were built with, the last used last
_KEPT_AT_MOST = 12


def _fresh_files(home: Path, database: Path | None, kept: Path | None = None) -> None:
    """The index and uploads folders emptied (or as `kept` holds them), and on SQLite `database` (the
    template, or a kept world's) copied in as the app's database."""
    for folder in ("index", "uploads"):
        shutil.rmtree(home / folder, ignore_errors=True)
        if kept is not None and (kept / folder).is_dir():
            shutil.copytree(kept / folder, home / folder)
    if database is not None:
        target = home / SQLITE_FILE
        for leftover in (f"{target}-wal", f"{target}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)
        # a new file, not the old one overwritten: a connection still open on the old file (none
        # should be) would otherwise read a database changing under it
        shutil.copyfile(database, home / "next.sqlite3")
        os.replace(home / "next.sqlite3", target)


@contextlib.contextmanager
def app_under_test(app_config: dict, schema: dict, home: Path) -> Iterator[Flask]:
    """An app for these settings (kept from an earlier test, reset, or new) on an empty database
    (its schema at the models' head), an empty index folder and no uploads; its context pushed."""
    standard = _standard_config(home, schema)
    uses_home_database = app_config["SQLALCHEMY_DATABASE_URI"] == standard["SQLALCHEMY_DATABASE_URI"]
    fresh_sqlite = bool(schema.get("template")) and uses_home_database
    _fresh_files(home, schema["template"] if fresh_sqlite else None)
    settings = repr(sorted(app_config.items()))
    kept = _KEPT_APPS.pop(settings, None) if uses_home_database else None
    app = kept.reuse() if kept else None
    if app is None:
        app = create_app(app_config)
        app.test_client_class = IsolatedClient
        app.test_cli_runner_class = IndexedRunner
        app.jinja_env.bytecode_cache = _TEMPLATE_CODE
        kept = _KeptApp(app) if uses_home_database else None
    if kept is not None:
        _KEPT_APPS[settings] = kept
        if len(_KEPT_APPS) > _KEPT_AT_MOST:
            del _KEPT_APPS[next(iter(_KEPT_APPS))]  # the one used longest ago
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres()
        elif not fresh_sqlite:  # a database of the test's own, or DATABASE_URL's
            db.drop_all()
            db.create_all()
            ensure_generation_row()
            db.session.commit()
    ctx = app.app_context()
    ctx.push()
    try:
        yield app
    finally:
        app.extensions["search_store"].close()  # the index's open files (a ResourceWarning otherwise)
        db.session.remove()
        db.engine.dispose()  # the SQLite file is replaced by the next test; PostgreSQL is emptied by it
        ctx.pop()


@pytest.fixture
def app(app_config, _schema, _app_home):
    """An app on an empty database (its schema at the models' head) and an empty index folder."""
    with app_under_test(app_config, _schema, _app_home) as app:
        yield app


def _each_leaf(world, leaf):
    """`world` with `leaf` applied to whatever is not a dict, a list or a tuple in it."""
    if isinstance(world, dict):
        return {key: _each_leaf(value, leaf) for key, value in world.items()}
    if isinstance(world, (list, tuple)):
        return type(world)(_each_leaf(value, leaf) for value in world)
    return leaf(world)


@dataclass(frozen=True)
class _Row:
    """A row of a kept world, by its class and primary key (rows belong to one session)."""

    model: type
    key: tuple


def _flat(value):
    state = inspect(value, raiseerr=False)
    if state is not None and getattr(state, "mapper", None) is not None:
        return _Row(type(value), state.identity)
    if value is None or isinstance(value, (str, int, float, bool, date, datetime, enum.Enum, AnonymousUserMixin)):
        return value
    raise TypeError(f"a kept world holds rows, containers and plain values, not {type(value).__name__}")


def _loaded(value):
    if not isinstance(value, _Row):
        return value
    row = db.session.get(value.model, value.key)
    assert row is not None, f"{value.model.__name__} {value.key} is missing from the kept world"
    return row


# Worlds kept in this process (see `world_kept`): by build and settings, their folder, the world
# with its rows flattened, and when they were built.
_KEPT_WORLDS: dict[tuple, tuple[Path, object, float]] = {}


def _save_world(home: Path, folder: Path) -> None:
    """The database, the index folder and the uploads of the app's home, as they are now, into
    `folder`: the database through SQLite's backup (whole and consistent, whatever connection is
    still open on it), the folders copied (nothing writes them between two factory calls)."""
    for name in ("index", "uploads"):
        if (home / name).is_dir():
            shutil.copytree(home / name, folder / name)
    with (
        contextlib.closing(sqlite3.connect(home / SQLITE_FILE)) as source,
        contextlib.closing(sqlite3.connect(folder / SQLITE_FILE)) as copy,
    ):
        source.backup(copy)


def _nothing_made_yet() -> bool:
    """Every table as empty as the schema leaves it (the site's generation rows aside)."""
    tables = [table for table in db.metadata.sorted_tables if table.name != "site_generation"]
    return not any(db.session.execute(sa.select(*(sa.exists().select_from(table) for table in tables))).one())


# A world is kept at most this long after its build, then built again: its rows are never much older
# than a test's own would be (relative times such as "just now" read alike, time windows as a comment's
# edit stay open), whatever the order and the pace of the tests that ask for it.
WORLD_MAX_AGE = 30.0  # seconds
_world_clock = time.monotonic


def keep_world(build, app: Flask, app_config: dict, schema: dict, home: Path):
    """What `build(make)` returns: built by the factories the first time in this process, copied
    back afterwards (see `world_kept`)."""
    # Rows made before the world would be lost under its copy (or kept in it): the world comes first.
    assert _nothing_made_yet(), "ask for the kept world before anything is made: rows made earlier would be lost"
    settings = repr(sorted(app_config.items()))
    kept_app = _KEPT_APPS.get(settings)
    if not schema.get("template") or kept_app is None or kept_app.app is not app:
        # PostgreSQL, or a database of the test's own: built each time (and refused alike if it
        # holds what could not be kept, so that a world is written once for both databases)
        world = build(factories.Factories())
        db.session.commit()
        factories.index_what_factories_left()
        _each_leaf(world, _flat)
        return world
    key = (build, settings)
    if key in _KEPT_WORLDS and _world_clock() - _KEPT_WORLDS[key][2] <= WORLD_MAX_AGE:
        folder, flat, _built = _KEPT_WORLDS[key]
        # As between two tests: nothing of the app's points at the files replaced here.
        kept_app.reset_extensions()
        db.session.remove()
        db.engine.dispose()
        _fresh_files(home, folder / SQLITE_FILE, kept=folder)
        return _each_leaf(flat, _loaded)
    built = _world_clock()
    world = build(factories.Factories())
    db.session.commit()
    factories.index_what_factories_left()  # the copy holds the index as the factories would write it
    flat = _each_leaf(world, _flat)
    if key in _KEPT_WORLDS:
        shutil.rmtree(_KEPT_WORLDS[key][0], ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="world-", dir=home.parent))
    _save_world(home, folder)
    _KEPT_WORLDS[key] = (folder, flat, built)
    return world


@pytest.fixture
def world_kept(app, app_config, _schema, _app_home):
    """`world_kept(build)`: what `build(make)` returns, with the rows, index and uploads it made.

    For a world that many tests build alike (one test per role, per page): the first test of a
    process that asks for it builds it through the factories, and each later one (for up to
    WORLD_MAX_AGE seconds after the build) gets the database file, the index folder and the uploads
    as they were right after that build, copied back, and the same world with its rows read again in
    its own session. On PostgreSQL, and for a test with a database of its own, every test builds it.
    Ask for it first, before the test makes a row or a request: the copy replaces the database. A
    test that changes its world changes its own copy (tests/test_kept_app.py)."""
    return functools.partial(keep_world, app=app, app_config=app_config, schema=_schema, home=_app_home)


@pytest.fixture(autouse=True)
def _clock_steps_hold_still(monkeypatch):
    """The clock of the cached parts (`app.core.cache.clock`: a post page's similar posts and relative
    times, the statistics' figures) stands still during a test, at the second it started: a test that
    runs slowly on a loaded machine never crosses into the next step between two views it compares.
    The tests about the steps move the clock on themselves."""
    now = cache._now()
    monkeypatch.setattr(cache, "_now", lambda: now)


@pytest.fixture(autouse=True)
def factory_indexing():
    """How the posts the factories make reach the search index (tests/factories.py `_indexed_once`):
    left queued until the test's next request or command, or, with `factory_indexing.eager = True`,
    written at the end of each factory call. A test that reads the index itself while the factories'
    rows wait fails here, with where it read: it asks for `eager`."""
    indexing = factories.INDEXING
    indexing.left, indexing.eager, indexing.early_reads = False, False, []
    yield indexing
    indexing.left = False
    indexing.check()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories bound to the app: make.user(role=…), make.post(status=…), …"""
    return factories.Factories()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = factories.PASSWORD):
        response = self._client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.status_code
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as statements:` collects the SQL statements the block runs (requests
    through `client` included: they share the engine), so a test can pin how many a page needs."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, _parameters, _context, _executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
                statements.append(statement)

        factories.index_what_factories_left()  # the factories' work, not the block's
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
