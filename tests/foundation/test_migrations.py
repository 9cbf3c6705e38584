"""Migrations are the only schema source: head equals the models, and every
revision downgrades and upgrades again."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from reviewapp.extensions import db


def test_head_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_revision_downgrades_and_upgrades(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(revision="heads")
    tables = set(inspect(db.engine).get_table_names())
    assert {"users", "organizations", "campaigns", "cases", "audit_entries"} <= tables
