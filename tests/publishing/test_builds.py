"""The book built through the app (background job, inline in tests) and from the command line."""
import re
import subprocess

from pypdf import PdfReader

from reviewapp.extensions import db
from reviewapp.jobs.models import Job, JobStatus
from reviewapp.publishing.models import BookBuild
from reviewapp.publishing.storage import build_path
from tests.factories import submit_form
from tests.publishing.data import GPS_MARKER, STORY, make_publishing_campaign

HOSTILE = '<img src="http://127.0.0.1:9/x">'


def page_texts(path):
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_admin_builds_the_book_as_a_job_and_downloads_each_version(app, login_as, tmp_path):
    data = make_publishing_campaign()
    data.selected_zh.organization_text = f"组织健全。{HOSTILE}"
    data.selected_zh.evidence[0].caption = f"晨练{HOSTILE}"
    data.campaign.foreword_zh = "为展示全民健身志愿服务成果，现将优秀案例汇编成册。"
    db.session.commit()
    client, admin = login_as("admin")
    page = f"/publishing/campaigns/{data.campaign.id}"
    response = submit_form(client, page, {"language": "zh", "group_by": "theme"},
                           action=f"{page}/builds", follow_redirects=True)
    assert response.status_code == 200
    build = db.session.scalar(db.select(BookBuild))
    db.session.refresh(build)
    assert build.number == 1 and build.created_by_id == admin.id and build.storage_name
    assert build.job.status is JobStatus.DONE and build.job.progress_done == build.job.progress_total == 2
    assert build.storage_name.startswith("builds/")
    assert str(build_path(build.storage_name)).startswith(str(tmp_path / "uploads"))  # the store, not static

    download = client.get(f"/publishing/builds/{build.id}/book.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    out = tmp_path / "book.pdf"
    out.write_bytes(download.data)
    assert GPS_MARKER not in download.data  # photos are the metadata-stripped copies
    reader = PdfReader(out)
    assert reader.metadata.title == data.campaign.title_zh
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert len(reader.pages) == build.pages

    pages = page_texts(out)
    everything = squeeze("".join(pages))
    assert squeeze(STORY) in everything and "为展示全民健身志愿服务成果" in everything
    assert squeeze(HOSTILE) in everything  # printed as text, never fetched
    assert "北京" in everything and data.beijing.organization.name in everything  # public, not blind
    toc = [i for i, text in enumerate(pages) if "目录" in text[:200]]
    for case in (data.selected_zh, data.selected_en):
        line = next(line for i in toc for line in pages[i].splitlines() if case.title in line)
        printed = int(re.search(r"(\d+)\s*$", line).group(1))
        first = next(i for i in range(max(toc) + 1, len(pages)) if case.title in pages[i])
        assert first + 1 == printed
    assert data.not_selected.title not in everything and data.submitted.title not in everything
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)

    submit_form(client, page, {"language": "en", "group_by": "province"}, action=f"{page}/builds")
    versions = db.session.scalars(db.select(BookBuild).order_by(BookBuild.number)).all()
    assert [(b.number, b.language, b.group_by) for b in versions] == [(1, "zh", "theme"), (2, "en", "province")]
    assert all(b.storage_name for b in versions)
    listing = client.get(page).get_data(as_text=True)
    assert "v1" in listing and "v2" in listing


def test_only_one_build_of_a_campaign_at_a_time(app, login_as):
    data = make_publishing_campaign()
    db.session.add(Job(function="reviewapp.publishing.jobs:build_campaign_book", key=f"book:{data.campaign.id}",
                       status=JobStatus.RUNNING))
    db.session.commit()
    client, _admin = login_as("admin")
    page = f"/publishing/campaigns/{data.campaign.id}"
    response = submit_form(client, page, {"language": "zh", "group_by": "theme"}, action=f"{page}/builds",
                           follow_redirects=True)
    assert "already under way" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(BookBuild.id))) == 0


def test_a_campaign_without_selected_cases_cannot_be_built(app, login_as):
    from tests.factories import make_campaign
    campaign = make_campaign()
    client, _admin = login_as("admin")
    page = f"/publishing/campaigns/{campaign.id}"
    response = submit_form(client, page, {"language": "zh", "group_by": "theme"}, action=f"{page}/builds",
                           follow_redirects=True)
    assert "no selected cases" in response.get_data(as_text=True)


def test_flask_publish_writes_the_latest_campaign_book(app, tmp_path):
    data = make_publishing_campaign()
    out = tmp_path / "cli.pdf"
    result = app.test_cli_runner().invoke(
        args=["publish", "--out", str(out), "--language", "en", "--group-by", "org_type", "--statistics"])
    assert result.exit_code == 0, result.output
    assert "Cases rendered" in result.output and f"Wrote {out}" in result.output
    reader = PdfReader(out)
    assert reader.metadata.title == data.campaign.title_en
    pages = page_texts(out)
    assert "Contents" in "".join(pages) and "Healthy Steps for Seniors" in "".join(pages)
    assert "Statistics" in pages[-1] and "Submitted" in pages[-1]  # the appendix with its charts
    # The appendix goes on with the book: its number follows the last case page's, it carries
    # the book's running head, and the contents list it with that number.
    last = [line.strip() for line in pages[-1].splitlines() if line.strip()]
    assert last[-1] == str(len(pages)), last
    assert data.campaign.title_en in last[0], last
    contents = next(page for page in pages if "Contents" in page)
    assert re.search(rf"Statistics\s+{len(pages)}\s*$", contents.strip(), re.M), contents
    assert [item.title for item in reader.outline if not isinstance(item, list)][-1] == "Statistics"
    # The same versioned build the admin page lists, done by nobody in particular.
    build = db.session.scalars(db.select(BookBuild).filter_by(campaign_id=data.campaign.id)).one()
    assert build.number == 1 and build.storage_name and build.finished_at is not None
    assert build_path(build.storage_name).read_bytes() == out.read_bytes()


def test_flask_publish_waits_its_turn(app, tmp_path):
    data = make_publishing_campaign()
    db.session.add(Job(function="reviewapp.publishing.jobs:build_campaign_book", key=f"book:{data.campaign.id}",
                       status=JobStatus.RUNNING))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["publish", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "already under way" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_flask_publish_refuses_an_unknown_campaign(app, tmp_path):
    make_publishing_campaign()
    result = app.test_cli_runner().invoke(args=["publish", "1999-nope", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "No campaign" in result.output
