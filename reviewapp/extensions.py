"""Flask extensions, created once and bound to an app in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

from .models_base import render_alembic_item

# Named constraints so that Alembic can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_alembic_item)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# The remote address comes from ProxyFix, which trusts only the configured
# number of proxies; default limits stay off so only declared routes count.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def engine_options(config):
    """SQLALCHEMY_ENGINE_OPTIONS with PostgreSQL's timeouts as connection parameters (no round
    trip): connect_timeout, and statement_timeout and lock_timeout for every session. SQLite's
    busy timeout is set on connect by reviewapp/locking.py."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        return options
    milliseconds = {name: int(config[f"DATABASE_{name.upper()}"] * 1000)
                    for name in ("statement_timeout", "lock_timeout")}
    connect_args = {"connect_timeout": config["DATABASE_CONNECT_TIMEOUT"],
                    "options": " ".join(f"-c {name}={value}" for name, value in milliseconds.items())}
    options["connect_args"] = {**connect_args, **options.get("connect_args", {})}
    return options
