"""Every setting config.py reads from the environment is in the README's configuration table.

Found from config.py's source, so a new setting (a new limit above all) fails here until an
operator can read what it bounds and its default."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# os.environ.get("NAME", ...), _env_int("NAME", ...), _env_bool("NAME"), _env_roles("NAME", ...)
READ = re.compile(r'(?:os\.environ\.get|_env_int|_env_bool|_env_roles)\(\s*"([A-Z][A-Z0-9_]+)"')
# Read by the test harness only, documented in the test section.
NOT_OPERATOR_SETTINGS = {"TEST_DATABASE_URL"}


READERS = ("config.py", "reviewapp/__init__.py")


def settings_read():
    names = set()
    for reader in READERS:
        names |= set(READ.findall((ROOT / reader).read_text(encoding="utf-8")))
    return names - NOT_OPERATOR_SETTINGS


def configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {name for row in section.splitlines() if row.startswith("| `")
            for cell in (row.split("|")[1], row.split("|")[3])  # name and meaning, not the default
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_the_pattern_finds_the_settings():
    # Guards the test itself: a regex that matched nothing would pass below.
    assert {"DATABASE_URL", "IMAGE_MAX_PIXELS", "SESSION_IDLE_MINUTES", "MAIL_USE_TLS"} <= settings_read()


def test_every_setting_is_in_the_configuration_table():
    missing = sorted(settings_read() - configuration_table())
    assert not missing, f"settings read by config.py but not in the README's table: {missing}"


def test_every_setting_in_the_table_is_read():
    # A row naming a variable config.py never reads promises an operator a knob that does nothing.
    documented_elsewhere = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    unread = sorted(configuration_table() - settings_read() - documented_elsewhere)
    assert not unread, f"README rows name settings config.py does not read: {unread}"


def test_every_setting_the_code_looks_up_is_defined_in_config():
    # app.config.get("NAME", default) on a key config.py lacks can only ever be its default.
    looked_up = set()
    for path in (ROOT / "reviewapp").rglob("*.py"):
        looked_up |= set(re.findall(r'config(?:\.get\(|\[)\s*"([A-Z][A-Z0-9_]+)"', path.read_text(encoding="utf-8")))
    config_source = (ROOT / "config.py").read_text(encoding="utf-8")
    flask_own = {"TESTING", "DEBUG", "SERVER_NAME", "PREFERRED_URL_SCHEME", "SQLALCHEMY_DATABASE_URI"}
    undefined = sorted(name for name in looked_up - flask_own
                       if not re.search(rf"^\s+{name}\s*=", config_source, re.MULTILINE))
    assert not undefined, f"looked up in app.config but never set by config.py: {undefined}"
