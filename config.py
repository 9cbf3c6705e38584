"""Configuration classes, read from the environment.

`create_app()` picks one by the REVIEWAPP_CONFIG variable (development by
default). Production refuses to start without a SECRET_KEY.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_roles(name, **defaults):
    """{role: number} from e.g. "admin=30,expert=60"; roles left out keep their default."""
    values = dict(defaults)
    for item in filter(None, (os.environ.get(name) or "").split(",")):
        role, _, number = item.partition("=")
        values[role.strip()] = int(number)
    return values


def _database_url(default):
    url = os.environ.get("DATABASE_URL", default)
    # psycopg 3 is the driver we ship; plain postgres:// URLs from hosting
    # panels would otherwise pick psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    INSTANCE_DIR = Path(os.environ.get("REVIEWAPP_INSTANCE", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'reviewapp.sqlite'}")
    # No pre-ping round trip: reviewapp/transactions.py replaces closed connections at checkout.
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # Seconds a write waits for another's lock (SQLite busy timeout, PostgreSQL lock_timeout)
    # before the user is told "busy, nothing was saved, try again" (reviewapp/locking.py).
    DATABASE_LOCK_TIMEOUT = _env_int("DATABASE_LOCK_TIMEOUT", 10)
    # Seconds to reach the database, and that one SQL statement may run (PostgreSQL; 0: no
    # limit), so that with the database down or hung a request fails within seconds with a
    # translated 503 instead of hanging until gunicorn kills the worker (extensions.engine_options).
    DATABASE_CONNECT_TIMEOUT = _env_int("DATABASE_CONNECT_TIMEOUT", 5)
    DATABASE_STATEMENT_TIMEOUT = _env_int("DATABASE_STATEMENT_TIMEOUT", 15)
    UPLOAD_FOLDER = Path(os.environ.get("UPLOAD_FOLDER", INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH_MB", 64) * 1024 * 1024
    # Stored files: "local" keeps them in UPLOAD_FOLDER; "s3" in an
    # S3-compatible bucket shared by every app machine (reviewapp/storage).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET", "reviewapp")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION", "us-east-1")
    STORAGE_CACHE_DIR = Path(os.environ.get("STORAGE_CACHE_DIR", INSTANCE_DIR / "storage-cache"))
    # A deleted file stays this long (its tombstone's age) before `flask storage sweep` removes
    # it: longer than any backup takes, so a backup finds every file its rows name.
    STORAGE_DELETE_GRACE_HOURS = _env_int("STORAGE_DELETE_GRACE_HOURS", 24)
    # Evidence of a case: the limit for one file and for all files of a case.
    EVIDENCE_MAX_FILE_MB = _env_int("EVIDENCE_MAX_FILE_MB", 20)
    EVIDENCE_MAX_CASE_MB = _env_int("EVIDENCE_MAX_CASE_MB", 200)
    # Files of one organization processed at the same time in the job queue (blind copy,
    # thumbnail, print-size photo: cases/processing.py); its further files wait their turn.
    EVIDENCE_JOBS_PER_ORGANIZATION = _env_int("EVIDENCE_JOBS_PER_ORGANIZATION", 2)
    # Bounds on what one upload may cost (reviewapp/spreadsheets.py, cases/ooxml.py, cases/uploads.py):
    # an archive (.docx/.xlsx/.pptx, an imported .xlsx) may unpack to at most this many MB, hold
    # this many parts, and be this many times its size (the whole package and each big part);
    # a photo may have this many pixels (read from its header before decoding); an imported
    # table may have this many rows (blank ones included) and columns, and unpack to this much XML
    # (openpyxl parses ~4 MB a second and holds every shared string; a full table is ~12 MB).
    ARCHIVE_MAX_UNCOMPRESSED_MB = _env_int("ARCHIVE_MAX_UNCOMPRESSED_MB", 100)
    ARCHIVE_MAX_MEMBERS = _env_int("ARCHIVE_MAX_MEMBERS", 2000)
    ARCHIVE_MAX_RATIO = _env_int("ARCHIVE_MAX_RATIO", 100)
    IMAGE_MAX_PIXELS = _env_int("IMAGE_MAX_PIXELS", 50_000_000)
    SPREADSHEET_MAX_ROWS = _env_int("SPREADSHEET_MAX_ROWS", 10_000)
    SPREADSHEET_MAX_COLUMNS = _env_int("SPREADSHEET_MAX_COLUMNS", 100)
    SPREADSHEET_MAX_XML_MB = _env_int("SPREADSHEET_MAX_XML_MB", 24)
    # Cases x experts above which an assignment run goes to a background job (assignment/operations.py).
    ASSIGNMENT_JOB_PAIRS = _env_int("ASSIGNMENT_JOB_PAIRS", 2_000_000)
    # LibreOffice renders Office evidence to PDF for reading in the browser.
    SOFFICE_BINARY = os.environ.get("SOFFICE_BINARY", "soffice")
    OFFICE_PREVIEW_TIMEOUT = _env_int("OFFICE_PREVIEW_TIMEOUT", 120)
    # Conversions wait in a queue of this machine (cases/conversion_queue.py): this many at once,
    # at most this many seconds' wait (then the preview is "pending", made again later); each
    # organization may start this many (flask-limiter notation, counted in RATELIMIT_STORAGE_URI).
    OFFICE_CONVERSIONS_PER_MACHINE = _env_int("OFFICE_CONVERSIONS_PER_MACHINE", 1)
    OFFICE_CONVERSION_WAIT = _env_int("OFFICE_CONVERSION_WAIT", 600)
    OFFICE_PREVIEW_RATE = os.environ.get("OFFICE_PREVIEW_RATE", "30 per hour")
    # LibreOffice runs without network or server files through this (cases/office_sandbox.py).
    OFFICE_SANDBOX_UNSHARE = os.environ.get("OFFICE_SANDBOX_UNSHARE", "unshare")

    # Links in e-mails are built from this, never from the request's Host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000").rstrip("/")

    LANGUAGES = {"zh": "简体中文", "en": "English"}
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "reviewapp" / "translations")

    # Mail: "outbox" keeps messages in the database for the admin to read
    # (development); "smtp" sends them after the request's commit.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@reviewapp.local")

    # Sign-in throttling; storage is Redis in production so that every app
    # process shares the counters.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # How many reverse proxies in front of us may set X-Forwarded-For.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # Background jobs: "thread" runs them inside the app process (embedded
    # default, no extra service); "rq" queues them in Redis for `flask worker`.
    # JSON lines on stderr unless LOG_FORMAT is something else (ops/logging.py).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    JOB_BACKEND = os.environ.get("JOB_BACKEND", "thread")
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "reviewapp")
    JOB_TIMEOUT = _env_int("JOB_TIMEOUT", 1800)
    # A running job writes a heartbeat every few seconds; one silent for this many seconds
    # is dead (its process was killed): the next reader marks it interrupted and frees its key.
    JOB_HEARTBEAT_TIMEOUT = _env_int("JOB_HEARTBEAT_TIMEOUT", 60)
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

    # Registrations per client address (counted when a complete form is sent).
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per hour")
    # Colleague invitations an organization's owner may send (each mails an address of their
    # choice: anyone may register an organization, so this keeps it from relaying mail).
    COLLEAGUE_INVITATION_RATE_LIMIT = os.environ.get("COLLEAGUE_INVITATION_RATE_LIMIT", "20 per day")
    # Per e-mail address, whatever the client address: after ACCOUNT_LOCK_THRESHOLD failed
    # sign-ins in a row the address is locked for ACCOUNT_LOCK_MINUTES, doubling with each
    # further failure up to ACCOUNT_LOCK_MAX_MINUTES; the owner is mailed once per lock.
    # Failures older than ACCOUNT_FAILURE_WINDOW_HOURS are forgotten.
    ACCOUNT_LOCK_THRESHOLD = _env_int("ACCOUNT_LOCK_THRESHOLD", 5)
    ACCOUNT_LOCK_MINUTES = _env_int("ACCOUNT_LOCK_MINUTES", 1)
    ACCOUNT_LOCK_MAX_MINUTES = _env_int("ACCOUNT_LOCK_MAX_MINUTES", 60)
    ACCOUNT_FAILURE_WINDOW_HOURS = _env_int("ACCOUNT_FAILURE_WINDOW_HOURS", 24)
    # Sessions per role: minutes without a request after which a session ends, hours after
    # the password was entered after which it ends anyway, and how long "keep me signed in"
    # lasts (no idle limit then). An administrator is never remembered beyond SESSION_MAX_HOURS.
    SESSION_IDLE_MINUTES = _env_roles("SESSION_IDLE_MINUTES", admin=30, expert=60, unit=120, organization=120)
    SESSION_MAX_HOURS = _env_roles("SESSION_MAX_HOURS", admin=9, expert=12, unit=12, organization=12)
    REMEMBER_HOURS = _env_roles("REMEMBER_HOURS", admin=9, expert=24, unit=336, organization=720)
    # Publishing, announcing results and changing roles need the password entered this recently.
    REAUTH_MINUTES = _env_int("REAUTH_MINUTES", 10)

    # Password hashing (Argon2id): passes, memory in KiB, lanes. The default is OWASP's first
    # recommendation; production refuses less than OWASP's minimum (ARGON2_OWASP_MINIMUM).
    # Each sign-in costs one hash: `python -m bench argon2` prints the time per hash.
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 19456)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 1)

    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
    INVITATION_MAX_AGE_DAYS = _env_int("INVITATION_MAX_AGE_DAYS", 14)
    # How long the link that confirms a self-registered account's e-mail address works.
    EMAIL_CONFIRMATION_MAX_AGE_DAYS = _env_int("EMAIL_CONFIRMATION_MAX_AGE_DAYS", 7)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; long forms must not expire

    RECOMMENDING_UNITS_CSV = os.environ.get("RECOMMENDING_UNITS_CSV")


# OWASP's equivalent minimums for Argon2id (Password Storage Cheat Sheet): memory in KiB and
# passes; any one of them, with at least one lane, is enough.
ARGON2_OWASP_MINIMUM = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]


def argon2_problem(memory_kib, time_cost, parallelism):
    """Why these Argon2id costs are below OWASP's minimum, or None."""
    if parallelism >= 1 and any(memory_kib >= m and time_cost >= t for m, t in ARGON2_OWASP_MINIMUM):
        return None
    pairs = ", ".join(f"m={m} t={t}" for m, t in ARGON2_OWASP_MINIMUM)
    return (f"ARGON2_MEMORY_COST={memory_kib}, ARGON2_TIME_COST={time_cost}, ARGON2_PARALLELISM={parallelism} "
            f"is below OWASP's minimum for Argon2id (one of {pairs}, with p >= 1); the default is "
            "m=19456 t=2 p=1.")


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or "development-only-not-secret"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:"))
    MAIL_BACKEND = "outbox"
    JOB_BACKEND = "inline"
    # Cheap password hashing keeps the suite fast (production refuses such values).
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_BASE_URL = "https://reviewapp.example.org"
    BABEL_DEFAULT_LOCALE = "en"


class ProductionConfig(Config):
    # No default: links in mails, book QR codes and certificates would point at localhost for good.
    PUBLIC_BASE_URL = (os.environ.get("PUBLIC_BASE_URL") or "").rstrip("/")

    @classmethod
    def check(cls, config=None):
        """Refuse to start with settings that are only safe in development (`config`: the
        app's final settings, overrides included)."""
        config = config or {name: getattr(cls, name) for name in dir(cls) if name.isupper()}
        if not config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production.")
        url = config.get("PUBLIC_BASE_URL") or ""
        host = url.partition("://")[2].split("/")[0].split(":")[0].lower()
        if not url.startswith(("https://", "http://")) or host in ("", "localhost", "127.0.0.1", "::1"):
            raise RuntimeError(
                "PUBLIC_BASE_URL must be set in production to the address people use, e.g. "
                "https://cases.example.gov.cn (it is the only source of links in e-mails, book QR codes "
                f"and certificates); it is {url!r}.")
        if config.get("MAIL_BACKEND") != "smtp":
            raise RuntimeError(
                f"MAIL_BACKEND is {config.get('MAIL_BACKEND')!r}: in production set MAIL_BACKEND=smtp (and "
                "MAIL_SERVER). The development outbox would let any administrator read every user's "
                "password-reset link at /admin/outbox.")
        problem = argon2_problem(*(int(config.get(name) or 0) for name in
                                   ("ARGON2_MEMORY_COST", "ARGON2_TIME_COST", "ARGON2_PARALLELISM")))
        if problem:
            raise RuntimeError(problem)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
