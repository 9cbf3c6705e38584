"""Long titles, long organizations and emoji in the book, as a reader sees them (#20 items 8, 9, 11):
every contents entry carries its page number on its last line, titles break between phrases,
running heads stay on one line, and emoji print as glyphs of a real font."""
import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewapp.publishing.book import build_book
from reviewapp.publishing.linebreaks import keep_phrases
from reviewapp.publishing.model import Book, BookCase, Figures, NarrativeSection, Photo
from tests.publishing.test_book import make_photo

TITLES = ("广东省“体医融合”社会体育指导员常态化志愿服务项目（第300号）暨“全民健身日”系列活动",
          "福建省“体医融合”青少年体育志愿服务品牌建设示范项目（第2号）",
          "河北省“基层社会治理”“健康中国”科学健身指导志愿服务项目（第3号）")
ORGANIZATIONS = ("广东省单项体育协会第1志愿服务队", "福建省志愿服务联合会第2志愿服务队", "河北省基金会第3志愿服务队")
EMOJI = "💪🎉👍"


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory):
    root = tmp_path_factory.mktemp("lines")
    cases = [BookCase(
        id=f"case-{n}", title=title, organization=ORGANIZATIONS[n], province="广东省", org_type="志愿服务联合会",
        themes=(("体医融合", "为老服务", "乡村振兴")[n],),
        summary=f"志愿者们{EMOJI[0]}一起健身{EMOJI[1]}，群众点赞{EMOJI[2]}。" if n == 0 else "常年开展科学健身指导。",
        # The second case's text fills its first page: its photos used to follow it alone.
        sections=(NarrativeSection("一、主要做法", ("坚持以人民为中心，常年开展科学健身指导。" * (70 if n == 1 else 1),)),),
        figures=Figures(volunteers=120, service_hours=5600, activities=48, people_served=23000, start_year=2015),
        photos=(Photo(make_photo(root / f"p{n}.jpg", seed=n), "社区健身指导"),),
        gallery_url=f"https://gallery.example.cn/cases/{n}", version="v1") for n, title in enumerate(TITLES)]
    book = Book(title_zh="2023年全民健身志愿服务优秀案例", title_en="2023 Excellent Cases", year=2023,
                foreword="为展示全民健身志愿服务成果，现将优秀案例汇编成册。")
    out = root / "book.pdf"
    build_book(book, cases, str(out), cache_dir=str(root / "cache"))
    return out


def _pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def _contents(pages):
    return next(page for page in pages if page and page[0] == "目录")


def test_every_contents_entry_has_its_page_number_at_the_end_of_its_organization(book_pdf):
    joined = re.sub(r"\s+", "", "".join(_contents(_pages(book_pdf))))
    for title, organization in zip(TITLES, ORGANIZATIONS):
        # Title, then the organization whole, then the number: never a number inside the entry.
        assert re.search(re.escape(title) + re.escape(organization) + r"\d+", joined), (title, joined)


def test_the_organization_of_a_contents_entry_never_breaks_inside_its_name(book_pdf):
    lines = _contents(_pages(book_pdf))
    for organization in ORGANIZATIONS:
        assert any(organization in line for line in lines), (organization, lines)


def test_titles_break_between_phrases(book_pdf):
    pages = _pages(book_pdf)
    cover = pages[0]
    assert "2023年全民健身志愿服务优秀案例" in "".join(cover), cover
    assert not any(line.endswith("优秀案") or line == "例" for line in cover), cover   # never 优秀案/例
    for page in pages:
        for line in page:
            if "（第300" in line or "号）" in line:
                assert "（第300号）" in line or not re.search(r"（第\d*$|^\d*号）", line), line


def _running_head(pdf, page_number):
    """(lines, text) of the top margin (above 24 mm) of a page: its baselines, within 4 pt of
    each other counted as one line (the two heads sit 2 pt apart), and all its text."""
    page = PdfReader(pdf).pages[page_number]
    top = float(page.mediabox.top)
    found = []

    def visit(text, cm, tm, font, size):
        y = (tm[5] * cm[3] + cm[5]) if cm else tm[5]
        if text.strip() and y > top - 24 * 72 / 25.4:
            found.append((y, text))
    page.extract_text(visitor_text=visit)
    baselines = sorted(y for y, _text in found)
    lines = 1 + sum(1 for a, b in zip(baselines, baselines[1:]) if b - a > 4) if baselines else 0
    return lines, "".join(text for _y, text in found)


def test_running_heads_stay_on_one_line(book_pdf):
    """(The end is cut with an ellipsis; the text layer keeps the whole title for search.)"""
    pages = _pages(book_pdf)
    number = next(n for n, page in enumerate(pages) if any(line.startswith("申报单位") for line in page)
                  and any(TITLES[0][:10] in line for line in page))
    lines, text = _running_head(str(book_pdf), number)
    assert lines == 1 and TITLES[0][:20] in text, text


def test_emoji_print_with_a_real_font(book_pdf):
    text = "".join("".join(page) for page in _pages(book_pdf))
    assert all(char in text for char in EMOJI), "emoji lost from the text layer"
    fonts = subprocess.run(["pdffonts", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts, fonts   # the glyphs come from the emoji font, not .notdef boxes


def test_keep_phrases_escapes_and_keeps_the_collection_words_whole():
    html = str(keep_phrases("2023年<全民健身>志愿服务优秀案例（第300号）"))
    assert "&lt;" in html and "<全民" not in html
    for phrase in ("2023年", "全民健身", "志愿服务", "优秀案例", "（第300号）"):
        assert f'<span class="nb">{phrase}</span>' in html


def test_photos_sit_on_the_first_page_of_their_case_two_per_row(book_pdf):
    pages = _pages(book_pdf)
    for title in TITLES:
        first = next(page for page in pages if any(line.startswith("申报单位") for line in page)
                     and title[:12] in "".join(page[1:4]))
        assert any("图1" in line for line in first), first   # never pushed alone onto a page of its own
    # No page holds photos and nothing else of its case.
    for page in pages:
        if any(line.startswith("图1") or "  图2" in line for line in page):
            assert any(line.startswith("申报单位") for line in page), page


def test_an_average_case_prints_on_one_page_with_two_photos_in_a_row(app, login_as, tmp_path):
    from reviewapp.cases.reference import NARRATIVE_SECTIONS
    from reviewapp.extensions import db
    from tests.publishing.data import STORY, make_publishing_campaign

    data = make_publishing_campaign()
    case = data.selected_zh
    text = (STORY * 50)[:1200]   # an average case: about 1,200 characters, a summary, two photos
    for number, (attribute, _label) in enumerate(NARRATIVE_SECTIONS[:4]):
        setattr(case, attribute, text[number * 300:(number + 1) * 300])
    case.summary = (STORY * 4)[:110]
    db.session.commit()
    client, _admin = login_as("admin")
    response = client.get(f"/publishing/cases/{case.id}/case.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    (tmp_path / "case.pdf").write_bytes(response.data)
    lines = _pages(tmp_path / "case.pdf")[0]
    assert any("图1" in line and "图2" in line for line in lines), lines   # two photos side by side
