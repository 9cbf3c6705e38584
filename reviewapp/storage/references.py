"""The columns that name stored files: the one list the sweeps, tombstones and backups share."""
from ..extensions import db


def file_columns():
    """{model: names of its columns that hold a storage name}."""
    from ..campaigns.models import Campaign
    from ..cases.models import Evidence
    from ..publishing.models import BookBuild

    return {Evidence: ("storage_name", "blind_storage_name", "thumbnail_name", "preview_storage_name",
                       "print_storage_name"),
            BookBuild: ("storage_name",),
            Campaign: ("certificate_seal_name",)}


def referenced_names(connection=None):
    """Every stored name a row points at (read through `connection`, default the session's)."""
    execute = (connection or db.session).execute
    names = set()
    for model, keys in file_columns().items():
        for key in keys:
            column = getattr(model, key)
            names.update(execute(db.select(column).filter(column.isnot(None))).scalars())
    return names


def file_keys(table_name):
    """The columns of the table `table_name` that hold storage names (none for most tables)."""
    return next((keys for model, keys in file_columns().items() if model.__tablename__ == table_name), ())
