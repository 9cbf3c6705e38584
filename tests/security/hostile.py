"""Hostile values and files for the fuzz test, as Hypothesis strategies, and the checks of an answer.

Values are what an attacker or a careless user sends: control characters (NUL first, which
PostgreSQL refuses), text that is not UTF-8 (sent as raw bytes), very long text, integers past
every column type, extreme dates, spreadsheet formulas, and Unicode that confuses display.
"""
import io
import re
import zipfile
from urllib.parse import quote_from_bytes

import lxml.html
from hypothesis import strategies as st

CJK = re.compile(r"[\u4e00-\u9fff]")

_CONTROL = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc"]), min_size=1, max_size=4)
_PRINTABLE = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=12)

CONTROL = st.tuples(_PRINTABLE, st.sampled_from(["\x00", "\x01", "\x0b", "\x1b", "\x7f"]) | _CONTROL,
                    _PRINTABLE).map("".join)
# Sent as bytes: not UTF-8 at all, an encoded lone surrogate, an overlong slash.
BAD_ENCODING = st.sampled_from([b"\xff\xfe\xfa", b"\xed\xa0\x80", b"\xc0\xaf", b"ok\x80", b"\xe6\xb5"])
LONG = st.sampled_from(["x", "测", "a b ", "😀"]).flatmap(
    lambda unit: st.sampled_from([121, 256, 2001, 100_001]).map(lambda n: (unit * n)[:n]))
HUGE_INTEGER = st.sampled_from(["2147483648", "-2147483649", "99999999999", "9223372036854775808",
                                "-9223372036854775809", "9" * 40, "1e400", "NaN", "-Infinity", "0x10", "-1"]) \
    | st.integers(min_value=2**31, max_value=2**80).map(str) | st.integers(max_value=-(2**31)).map(str)
# The ends of the calendar (Hypothesis favours them: shifting one by a time zone overflows),
# as date and datetime-local inputs send them, and dates that are not dates.
EXTREME_DATE = st.one_of(
    st.sampled_from(["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31"]),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")), st.dates().map(str),
    st.sampled_from(["0000-00-00", "2024-02-30", "10000-01-01", "-0001-01-01", "2024-13-01T25:61",
                     "1970-01-01T00:00:00+99:00"]))
FORMULA = st.sampled_from(["=HYPERLINK(\"http://evil.example\",\"点击\")", "+1+1", "-2+3", "@SUM(A1:A2)",
                           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"])
ODD_UNICODE = st.sampled_from(["\u202egpj.exe", "\u200b", "e\u0301" * 50, "\ufeff", "ﬁ", "\u2028", "%00", "%s%n",
                               "../../etc/passwd", "²", "١٢٣", "٣٠٠٠٠٠٠٠٠٠٠٠", "<script>alert(1)</script>", "' OR 1=1 --", "${7*7}{{7*7}}"])

SURROGATE = st.sampled_from(["\ud800", "a\udfffb", "\udbff\udc00x"])

CLASSES = {"control": CONTROL, "surrogate": SURROGATE, "bad encoding": BAD_ENCODING, "long": LONG,
           "huge integer": HUGE_INTEGER, "extreme date": EXTREME_DATE, "formula": FORMULA, "odd unicode": ODD_UNICODE}
VALUE = st.one_of(*CLASSES.values())
HUGE_ID = st.integers(min_value=2**31, max_value=2**80)
# Text that can go into an address (url_for quotes it); bytes cannot.
PATH_VALUE = st.one_of(CONTROL, LONG, HUGE_INTEGER, EXTREME_DATE, FORMULA, ODD_UNICODE)

# Headers the app reads, each with values a client (or a proxy trusted to pass it) may send:
# the Host every URL is built from, the language, a proxy's client address and arrival stamp,
# the request id, the browser stored with a sign-in. Chinese is still asked for.
_HEADER_VALUES = st.one_of(CONTROL, LONG, HUGE_INTEGER, FORMULA, ODD_UNICODE)
HEADERS = {
    "Host": st.sampled_from(["x" * 64 + ".example", "a." * 200 + "cn", "-bad-.example", "localhost:99999999999",
                             "[::1", "a b"]),
    "Accept-Language": st.sampled_from(["zh, xx;q=NaN", "zh, en;q=1e400", "zh,,,;;;", "zh, " + "a" * 5000,
                                        "zh, en;q=-1, *"]),
    **{name: _HEADER_VALUES for name in ("User-Agent", "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-Start",
                                         "X-Request-ID", "Referer")},
}


def _xlsx(cells):
    from openpyxl import Workbook
    book = Workbook()
    for reference, value in cells.items():
        book.active[reference] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


FILES = st.sampled_from([
    ("table.csv", "活动名称,举办方式,举办时间\n晨\x00练,线下,2024-06-15\n".encode()),
    ("table.csv", b"\xff\xfe\x00n\x00a\x00m\x00e\n\xc0\xaf"),
    ("table.csv", ("活动名称,举办方式,举办时间\n" + "长" * 140_000 + ",线下,2024-06-15\n").encode()),
    ("table.csv", "活动名称,举办方式,举办时间\n\"未闭合,线下,2024-06-15\n".encode()),
    ("table.csv", "name,email\n=HYPERLINK(\"http://evil\"),a@example.cn\n".encode()),
    ("table.xlsx", _xlsx({"A1": "活动名称", "B1": "举办方式", "C1": "举办时间", "A2": "=1+1", "B2": "线下",
                          "C2": "9999-12-31"})),
    ("table.xlsx", b"PK\x03\x04 not really a zip"),
    ("table.xlsx", _xlsx({"A1": "活动名称", "B1": "举办方式", "C1": "举办时间", "XFD1048576": "x"})),  # a bomb
    ("table.xlsx", _zip({"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": "x" * 100_000})),
    ("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("empty.pdf", b""),
    ("\u202egpj.exe", b"MZ\x90\x00"),
])

# Values every field gets before the drawn ones, for classes whose simplest value would leave
# them out (Hypothesis draws the simplest first): the calendar's last day as a date input sends
# it, and as a datetime-local one.
EDGES = {"extreme date": ("9999-12-31", "9999-12-31T23:59", "0001-01-01")}
# A form's field sent as a file part of a multipart body, (filename, content), as a script may.
CLASSES["file instead of text"] = FILES


def encode_form(fields):
    """An application/x-www-form-urlencoded body from [(name, str or bytes)], bytes sent as they are."""
    def part(value):
        return quote_from_bytes(value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"),
                                safe="")
    return "&".join(f"{part(name)}={part(value)}" for name, value in fields)


# ---- what the answer must say ----------------------------------------------------

def messages(response):
    """The messages an answer shows the user: field errors, flashes, the error page; a JSON message."""
    if response.is_json:
        body = response.get_json(silent=True) or {}
        found = [body.get("message")] + [r.get("message") for r in body.get("refused", []) or []
                                         if isinstance(r, dict)]
        return [m for m in found if m]
    if "html" not in response.content_type:
        return []
    document = lxml.html.fromstring(response.get_data(as_text=True) or "<html/>")
    found = document.xpath("//*[contains(concat(' ', @class, ' '), ' error ')] | "
                           "//*[contains(concat(' ', @class, ' '), ' flash ')] | "
                           "//section[contains(@class, 'error-page')]/p[1]")
    return [element.text_content().strip() for element in found if element.text_content().strip()]


def untranslated(response):
    """Messages of a Chinese answer that contain no Chinese: the user was told nothing they can read."""
    return [message for message in messages(response) if not CJK.search(message)]
