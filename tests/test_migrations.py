"""The app runs on migrations: they build an empty database to head, and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


@pytest.fixture
def empty_database(app):
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    yield
    db.session.remove()


def test_upgrade_builds_an_empty_database_to_head_matching_the_models(app, empty_database):
    upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
    assert db.session.execute(db.text("SELECT value FROM site_generation WHERE id = 1")).scalar() == 0


def test_downgrade_to_base_and_up_again(app, empty_database):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
