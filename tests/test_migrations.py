"""The app runs on migrations: they build an empty database to head, and match the models."""

import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from app.search.pg import tables as search_tables


@pytest.fixture
def empty_database(app):
    db.session.remove()
    db.drop_all()
    search_tables.drop_tables(db.engine)  # PostgreSQL's search tables (none on SQLite)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    yield
    db.session.remove()


def test_upgrade_builds_an_empty_database_to_head_matching_the_models(app, empty_database):
    upgrade()
    on_postgresql = db.engine.dialect.name == "postgresql"
    models = [db.metadata, search_tables.metadata] if on_postgresql else db.metadata
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models)
    assert differences == []
    tables, search_only = set(inspect(db.engine).get_table_names()), set(search_tables.metadata.tables)
    assert search_only <= tables if on_postgresql else search_only.isdisjoint(tables)  # SQLite: unchanged
    assert db.session.execute(db.text("SELECT value FROM site_generation WHERE id = 1")).scalar() == 0


def test_downgrade_to_base_and_up_again(app, empty_database):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()


def test_existing_accounts_of_one_mailbox_keep_one_account_after_the_upgrade(app, empty_database):
    """carol@probe-mаil.ir (Cyrillic а) and its punycode form were two accounts of one mailbox."""
    upgrade(revision="e4120a327e95")
    insert = db.text(
        'INSERT INTO "user" (email, display_name, password_hash, role, is_blocked, failed_logins, created_at,'
        " session_token) VALUES (:email, 'Carol', 'x', 'resident', false, 0, CURRENT_TIMESTAMP, 't')"
    )
    for email in ("carol@probe-m\u0430il.ir", "carol@xn--probe-mil-6yh.ir", "maryam@example.org"):
        db.session.execute(insert, {"email": email})
    db.session.commit()
    upgrade()
    rows = db.session.execute(db.text('SELECT email, email_key, email_verified_at FROM "user" ORDER BY id')).all()
    assert rows[0].email_key == "carol@xn--probe-mil-6yh.ir"  # the older one keeps the mailbox
    assert rows[1].email_key.startswith("carol@xn--probe-mil-6yh.ir#")  # the newer one: nobody signs in to it
    assert rows[2].email_key == "maryam@example.org"
    assert all(row.email_verified_at is not None for row in rows)


def test_an_upgrade_in_the_apps_process_leaves_its_loggers_working(app, empty_database, caplog):
    """Alembic's logging set-up (migrations/env.py) used to disable every logger that existed."""
    upgrade()
    log = logging.getLogger("app.search.sync")
    assert not log.disabled
    log.warning("the index is damaged")
    assert "the index is damaged" in caplog.text
