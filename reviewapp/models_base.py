"""Column helpers shared by the models of every feature."""
import enum

from sqlalchemy import Enum


def enum_column_type(enum_class: type[enum.Enum]):
    """Store an Enum by its value in a VARCHAR: readable, and portable to SQLite."""
    return Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def render_alembic_item(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types, so
    that migration files never import application code."""
    from .timezones import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False
