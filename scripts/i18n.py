"""Keep the Simplified Chinese catalogue complete.

    python scripts/i18n.py update            extract strings, update zh catalogue
    python scripts/i18n.py merge a.json ...  fill msgstr from {"msgid": "译文"} files
    python scripts/i18n.py check             list untranslated strings; exit 1 if any

Compiling (.mo) is `make translations`; compiled files are not committed.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "reviewapp" / "translations" / "messages.pot"
PO = ROOT / "reviewapp" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update():
    # Babel skips folders starting with "_" by default: templates/_macros is ours.
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
            "--ignore-dirs", ".* __pycache__ node_modules",
            "--sort-output", "--project", "reviewapp", "-o", str(POT), ".")
    pybabel("update", "-i", str(POT), "-d", "reviewapp/translations", "-l", "zh",
            "--no-fuzzy-matching", "--ignore-obsolete")


def _load():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="zh")


def _save(catalog):
    with open(PO, "wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, ignore_obsolete=True)


def merge(paths):
    catalog = _load()
    filled = 0
    for path in paths:
        for msgid, msgstr in json.loads(Path(path).read_text(encoding="utf-8")).items():
            message = catalog.get(msgid)
            if message is not None and msgstr and message.string != msgstr:
                message.string = msgstr
                message.flags.discard("fuzzy")
                filled += 1
    _save(catalog)
    print(f"{filled} translations filled")


def _wanted_directory(dirpath):
    name = Path(dirpath).name
    return not name.startswith(".") and name not in ("__pycache__", "node_modules")


def source_msgids():
    """Every translatable string in the code and templates, read afresh."""
    method_map = [("reviewapp/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords, directory_filter=_wanted_directory):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def problems():
    """(msgid, problem) for every string of the code that lacks a good translation."""
    catalog = _load()
    found = []
    for msgid in sorted(source_msgids()):
        message = catalog.get(msgid)
        if message is None:
            found.append((msgid, "not in the catalogue (run update)"))
            continue
        # Plural messages carry a tuple of forms.
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms):
            found.append((msgid, "untranslated"))
        elif "fuzzy" in message.flags:
            found.append((msgid, "fuzzy"))
        elif any(set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(form)) for form in forms):
            found.append((msgid, "placeholders differ"))
    return found


def check():
    found = problems()
    for msgid, problem in found:
        print(f"{problem}: {msgid!r}")
    print(f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["check"]
    if command == "update":
        update()
    elif command == "merge":
        merge(rest)
    else:
        sys.exit(check())
