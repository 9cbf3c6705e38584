"""reviewapp: the excellent-case collection, from submission to published book."""
import importlib
import os

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS


def create_app(config_name=None, **overrides):
    """Build the app. `config_name` is development, testing or production
    (default: $REVIEWAPP_CONFIG or development); `overrides` win over it."""
    config_name = config_name or os.environ.get("REVIEWAPP_CONFIG", "development")
    config_class = CONFIGS[config_name]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(__name__, template_folder=os.path.join(root, "templates"))
    from .forms_common import FormRequest
    app.request_class = FormRequest  # textarea line breaks arrive as LF, as they were saved
    app.config.from_object(config_class)
    app.config.update(overrides)
    if hasattr(config_class, "check"):
        config_class.check(app.config)  # production refuses development-only settings
    os.makedirs(app.config["INSTANCE_DIR"], exist_ok=True)

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
    from .ops.arrival import RecordArrival
    app.wsgi_app = RecordArrival(app.wsgi_app)  # outermost: deadlines are judged by arrival

    from .input_limits import BoundedIntConverter
    app.url_map.converters["int"] = BoundedIntConverter  # an id past the column's range is a 404
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)

    from .cli import register_commands
    register_commands(app)
    return app


def _init_extensions(app):
    from . import models  # noqa: F401  (every table joins the metadata)
    from .extensions import babel, csrf, db, engine_options, limiter, login_manager, migrate
    from .i18n import cache_wtforms_catalogues, select_locale
    from . import transactions

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    transactions.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    cache_wtforms_catalogues()
    from .forms_common import fill_forms_from_their_own_fields
    fill_forms_from_their_own_fields()
    limiter.init_app(app)
    _check_limits_in_routes_only(app, limiter)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    from .auth.sessions import load_user
    login_manager.user_loader(load_user)  # checks deactivation, rotated nonces and timeouts


def _check_limits_in_routes_only(app, limiter):
    """Flask-Limiter checks app-wide and default limits before every request. There are
    none (each limit is declared on its route, whose decorator checks it), so that hook,
    a fifth of a trivial request's time, is dropped while none are configured."""
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits or limiter._meta_limits:
        return
    hooks = app.before_request_funcs[None]
    hooks[:] = [hook for hook in hooks if getattr(hook, "__self__", None) is not limiter]


# Every feature's blueprint, as "package.module". One line each.
BLUEPRINTS = [
    "dashboard.routes",
    "auth.routes",
    "accounts.routes",
    "organizations.routes",
    "campaigns.routes",
    "admin.routes",
    "recommendation.routes",
    "experts.routes",
    "conflicts.routes",
    "assignment.routes",
    "jobs.routes",
    "ops.routes",
    "cases.routes",
    "review.routes",
    "results.routes",
    "publishing.routes",
    "gallery.routes",
    "reports.routes",
    "messages.routes",
    "units.routes",
]


def _register_blueprints(app):
    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)


def _register_request_hooks(app):
    from .access import refuse_undeclared
    from .errors import register_error_handlers
    from .input_limits import refuse_control_characters
    from .ops.logging import init_logging
    from .templating import register_template_helpers
    from .security import add_security_headers

    app.before_request(refuse_undeclared)
    app.before_request(refuse_control_characters)  # PostgreSQL cannot store a NUL, exports no controls
    app.after_request(add_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)
    init_logging(app)
