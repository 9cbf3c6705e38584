"""The Chinese catalogue reads as a government service writes (#19.12): full-width punctuation
between Chinese words, 北京时间 and never the zone's database name, one term for each thing.
The first tests are generated from the catalogue itself, one per string."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "reviewapp" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
HAN = r"[\u4e00-\u9fff]"
# An ASCII colon, comma, semicolon or bracket touching a Chinese character.
ASCII_BETWEEN = re.compile(rf"{HAN}\s*[:,;()]|[:,;()]\s*{HAN}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Strings where the ASCII form is what the reader must type or read as written.
ALLOWED_ASCII = {
    "Enter a telephone number of digits, spaces, “-”, “(”, “)” and an optional “+”.",
    "Unknown time zone; use a name such as Asia/Shanghai.",
}
# The English column names and the ";" separator of the expert list are typed as they stand.
ALLOWED_PREFIXES = ("The first row names the columns: name, email",)


def _translations():
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="zh")
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            if string:
                yield pytest.param(msgid, string, id=msgid[:60])


TRANSLATIONS = list(_translations())


@pytest.mark.parametrize(("msgid", "msgstr"), TRANSLATIONS)
def test_chinese_punctuation_is_full_width(msgid, msgstr):
    if msgid in ALLOWED_ASCII or msgid.startswith(ALLOWED_PREFIXES):
        return
    text = PLACEHOLDER.sub("字", msgstr)
    assert not ASCII_BETWEEN.search(text), msgstr


@pytest.mark.parametrize(("msgid", "msgstr"), TRANSLATIONS)
def test_the_zone_is_named_beijing_time(msgid, msgstr):
    if msgid in ALLOWED_ASCII:
        return
    assert "Asia/Shanghai" not in msgstr and "%(zone)s 时间" not in msgstr, msgstr
