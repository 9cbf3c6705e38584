"""The showcase book as a reader sees it: TOC pages, glyphs, fonts, outline, metadata, cache."""
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pypdf import PdfReader  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from reviewapp.publishing.book import BookError, build_book  # noqa: E402
from reviewapp.publishing.model import (Book, BookCase, Figures, NarrativeSection,  # noqa: E402
                                        Photo)
from reviewapp.publishing.photos import prepare_photo  # noqa: E402

KNOWN_SENTENCE = "志愿者们利用周末时间走进乡村学校，带领孩子们开展篮球和跳绳活动。"
THEMES = ("体医融合", "为老服务", "乡村振兴")


def make_photo(path, size=(800, 600), seed=0):
    image = Image.new("RGB", size, (40 + seed * 30 % 200, 120, 180))
    ImageDraw.Draw(image).ellipse((50, 50, size[0] // 2, size[1] // 2), fill=(240, 200, 40))
    image.save(path, "JPEG", quality=85)
    return str(path)


def make_cases(photo_dir, count=6):
    cases = []
    for index in range(count):
        photos = tuple(Photo(make_photo(photo_dir / f"p{index}-{n}.jpg", seed=index + n),
                             f"活动照片{index}-{n}：社区健身指导") for n in range(1 + index % 3))
        cases.append(BookCase(
            id=f"case-{index}", title=f"第{index + 1}号案例：快乐健身进社区",
            organization=f"示范志愿服务队{index + 1}", province="浙江省", org_type="志愿服务联合会",
            themes=(THEMES[index % 3],),
            summary=f"本案例介绍了志愿服务的基本情况。{KNOWN_SENTENCE if index == 1 else ''}",
            sections=(NarrativeSection("一、主要做法", ("坚持以人民为中心，常年开展科学健身指导。",
                                                   "建立志愿者招募、培训和激励制度。")),
                      NarrativeSection("二、取得成效", ("累计服务群众数万人次，获得广泛好评。",))),
            figures=Figures(volunteers=120 + index, service_hours=5600, activities=48,
                            people_served=23000, start_year=2015),
            photos=photos, gallery_url=f"https://gallery.example.cn/cases/{index}",
            version="v1"))
    return cases


BOOK = Book(title_zh="2023年全民健身志愿服务优秀案例", title_en="2023 Excellent Cases", year=2023,
            foreword="为展示全民健身志愿服务成果，现将优秀案例汇编成册。\n希望各地学习借鉴。")


def page_texts(pdf_path):
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def cjk_chars(text):
    return {char for char in text if "\u4e00" <= char <= "\u9fff"}


def all_text(case):
    parts = [case.title, case.organization, case.province, case.org_type, case.summary,
             *case.themes, *(photo.caption for photo in case.photos)]
    for section in case.sections:
        parts += [section.heading, *section.paragraphs]
    return "".join(parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    photo_dir = root / "photos"
    photo_dir.mkdir()
    cases = make_cases(photo_dir)
    progress = []
    out = root / "book.pdf"
    result = build_book(BOOK, cases, str(out), cache_dir=str(root / "cache"), chunk_size=2,
                        photo_roots=(str(photo_dir),), on_progress=lambda *p: progress.append(p))
    return out, result, cases, progress


def test_page_count_and_progress(built):
    out, result, cases, progress = built
    reader = PdfReader(out)
    assert len(reader.pages) == result.pages
    # cover + foreword + contents + 3 group dividers + at least one page per case
    assert 6 + len(cases) <= result.pages <= 6 + 3 * len(cases)
    assert progress[-1] == (len(cases), len(cases))
    assert result.refused_urls == [] and result.photo_problems == []


def test_toc_page_numbers_are_the_pages_where_cases_start(built):
    out, result, cases, _ = built
    pages = page_texts(out)
    toc_pages = [i for i, text in enumerate(pages) if "目录" in text[:200]]
    assert toc_pages, "no contents page"
    toc_text = "\n".join(pages[i] for i in toc_pages)
    body_start = max(toc_pages) + 1
    assert len(result.toc) == len(cases)
    for entry in result.toc:
        line = next(line for line in toc_text.splitlines() if entry.title in line)
        printed = int(re.search(r"(\d+)\s*$", line).group(1))
        assert printed == entry.page
        first = next(i for i in range(body_start, len(pages)) if entry.title in pages[i])
        assert first + 1 == printed, entry.title
        assert squeeze(pages[first]).endswith(str(printed))  # the stamped page number


def test_chinese_text_is_extractable_without_tofu(built):
    out, _, cases, _ = built
    text = "".join(page_texts(out))
    assert KNOWN_SENTENCE in squeeze(text)
    assert "\ufffd" not in text
    expected = set().union(*(cjk_chars(all_text(case)) for case in cases))
    assert expected - cjk_chars(text) == set()


def test_fonts_are_embedded_and_shared(built):
    out, result, _, _ = built
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing
    assert all(line.split()[-5] == "yes" for line in listing), listing  # emb column
    reader = PdfReader(out)
    faces = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            face = str(font["/BaseFont"]).split("+")[-1]
            faces.setdefault(face, set()).add(descriptor.raw_get("/FontFile3").idnum)
    # one embedded font program per face although chunks were rendered separately
    assert faces and all(len(files) == 1 for files in faces.values()), faces
    size_per_page = out.stat().st_size / result.pages
    assert size_per_page < 150_000


def test_metadata_and_language(built):
    out, _, _, _ = built
    reader = PdfReader(out)
    assert reader.metadata.title == BOOK.title_zh
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert reader.metadata.get("/Author") is None
    assert reader.metadata.get("/Creator") == "reviewapp"


def test_outline_groups_and_cases_point_to_their_pages(built):
    out, result, _, _ = built
    reader = PdfReader(out)
    outline = reader.outline
    groups = [item for item in outline if not isinstance(item, list)]
    assert [group.title for group in groups] == list(THEMES)
    expected = {entry.title: entry.page for entry in result.toc}
    children = [item for item in outline if isinstance(item, list)]
    seen = 0
    for group_children in children:
        for child in group_children:
            assert reader.get_destination_page_number(child) + 1 == expected[child.title]
            seen += 1
    assert seen == len(expected)
    for group in groups:
        page = reader.get_destination_page_number(group)
        assert group.title in page_texts(out)[page]


def test_english_book_has_english_labels(tmp_path):
    cases = make_cases(tmp_path, count=3)
    english = dataclasses.replace(BOOK, language="en", group_by="province")
    out = tmp_path / "en.pdf"
    result = build_book(english, cases, str(out))
    text = "".join(page_texts(out))
    for label in ("Contents", "Foreword", "Organization", "Volunteers", "Service hours"):
        assert label in text
    reader = PdfReader(out)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "2023 Excellent Cases"
    assert result.pages >= 3 + 1 + len(cases)


def test_rebuild_renders_only_the_changed_chunk(tmp_path):
    cases = make_cases(tmp_path, count=6)
    cache = str(tmp_path / "cache")
    first = build_book(BOOK, cases, str(tmp_path / "a.pdf"), cache_dir=cache, chunk_size=2)
    assert first.chunks_total >= 3 and first.chunks_rendered == first.chunks_total
    again = build_book(BOOK, cases, str(tmp_path / "b.pdf"), cache_dir=cache, chunk_size=2)
    assert again.chunks_rendered == 0
    changed = list(cases)
    changed[4] = dataclasses.replace(changed[4], summary="修改后的案例简介：新增健步走活动。")
    progress = []
    third = build_book(BOOK, changed, str(tmp_path / "c.pdf"), cache_dir=cache, chunk_size=2,
                       on_progress=lambda *p: progress.append(p))
    assert third.chunks_rendered == 1
    assert progress[-1] == (6, 6)
    assert "修改后的案例简介" in squeeze("".join(page_texts(tmp_path / "c.pdf")))


def test_empty_book_is_refused(tmp_path):
    with pytest.raises(BookError):
        build_book(BOOK, [], str(tmp_path / "x.pdf"))


def test_prepare_photo_downscales_once_and_keeps_small_jpegs(tmp_path):
    big = make_photo(tmp_path / "big.jpg", size=(1600, 1200))
    cache = tmp_path / "prepared"
    prepared = prepare_photo(big, str(cache))
    with Image.open(prepared) as image:
        assert max(image.size) == 1200 and image.format == "JPEG"
    mtime = Path(prepared).stat().st_mtime_ns
    assert prepare_photo(big, str(cache)) == prepared
    assert Path(prepared).stat().st_mtime_ns == mtime
    small = make_photo(tmp_path / "small.jpg")
    assert prepare_photo(small, str(cache)) == small


def test_merged_file_is_well_formed(built, caplog):
    """One cross-reference entry per object and a trailer /Size that covers them all:
    pypdf reads and clones the book (as the statistics appendix does) without a warning."""
    import logging
    import shutil

    from pypdf import PdfWriter

    out, result, _, _ = built
    with caplog.at_level(logging.WARNING):
        reader = PdfReader(out, strict=True)
        writer = PdfWriter(clone_from=reader)
    assert len(writer.pages) == result.pages
    warnings = [record.getMessage() for record in caplog.records
                if record.name.startswith("pypdf")]
    assert warnings == []
    assert shutil.which("qpdf"), "qpdf (installed by `make setup`) checks the file's structure"
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_toc_numbers_are_printed_in_the_page_number_font(built):
    """The TOC is rendered once without numbers; the merger prints them right-aligned."""
    out, result, _, _ = built
    pages = page_texts(out)
    toc_page = next(i for i, text in enumerate(pages) if "目录" in text[:200])
    line_ends = [int(n) for n in re.findall(r"(\d+)\s*$", pages[toc_page], re.MULTILINE)]
    expected = [entry.page for entry in result.toc]  # in contents order; then the page's own number
    assert line_ends == expected + [toc_page + 1]


def _book_jobs(tmp_path):
    from reviewapp.publishing.book import _Builder
    from reviewapp.publishing.chunks import group_cases, plan_chunks

    cases = make_cases(tmp_path, count=3)
    builder = _Builder(BOOK, cases, str(tmp_path / "cache"), None, ())
    groups = group_cases(cases, BOOK.group_by, builder.labels["other_group"])
    chunk = plan_chunks(groups, 10)[0]
    chunk.key = "chunk"
    return builder, [builder.chunk_job(chunk), builder.front_job(groups), builder.digits_job()]


def test_book_user_agent_stylesheet_prints_exactly_what_weasyprints_does(tmp_path):
    """ua.css replaces WeasyPrint's HTML user-agent sheet for speed: same PDF, byte for byte.
    (Fails when a template starts using an element whose defaults ua.css lacks.)"""
    from reviewapp.publishing.render import render_job

    builder, jobs = _book_jobs(tmp_path)
    try:
        for job in jobs:
            assert job.ua_css
            ours = dataclasses.replace(job, out_path=str(tmp_path / "ours.pdf"))
            weasyprints = dataclasses.replace(job, ua_css=None,
                                              out_path=str(tmp_path / "weasyprint.pdf"))
            render_job(ours)
            render_job(weasyprints)
            assert Path(ours.out_path).read_bytes() == Path(weasyprints.out_path).read_bytes()
    finally:
        builder.close()


LEAN_CHECK = """
import sys
from reviewapp.publishing import render
from reviewapp.publishing.render import RenderJob, render_job
if sys.argv[2] == "plain":
    render.lean_font_data = lambda: False
else:
    assert render.lean_font_data()
html = ('<p style="font-family: Noto Serif CJK SC">全民健身志愿服务 Aa1</p>'
        '<h2 style="font-family: Noto Sans CJK SC">优秀案例 2023</h2>')
render_job(RenderJob("lean", html, "", sys.argv[1]))
"""


def test_lean_font_data_writes_the_same_pdf(tmp_path):
    """Fonts are no longer copied whole into memory per document; the PDF is unchanged."""
    outputs = []
    for mode in ("plain", "lean"):
        out = tmp_path / f"{mode}.pdf"
        subprocess.run([sys.executable, "-c", LEAN_CHECK, str(out), mode], check=True,
                       cwd=str(Path(__file__).resolve().parents[2]))
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    fonts = subprocess.run(["pdffonts", str(tmp_path / "lean.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert len(fonts) == 2 and all(line.split()[-5] == "yes" for line in fonts), fonts
