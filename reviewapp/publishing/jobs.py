"""The background job that builds a campaign's showcase book into a stored, versioned PDF."""
import dataclasses

from flask_babel import lazy_gettext as _l

from ..audit import record
from ..extensions import db
from ..jobs.liveness import work_folder
from ..jobs.runner import JobFailed
from ..timezones import utcnow
from .book import BookError, build_book
from .models import BookBuild
from .sources import book_input
from .storage import cache_folder, new_build_name, photo_roots, store_build

BUILD_FUNCTION = "reviewapp.publishing.jobs:build_campaign_book"


def build_key(campaign):
    """One build of the same campaign at a time (the jobs table enforces it)."""
    return f"book:{campaign.id}"


def write_campaign_book(campaign, out_path, language="zh", group_by="theme", on_progress=None,
                        with_statistics=False, work_dir=None):
    """Build the campaign's book into `out_path`; returns (BuildResult, case count).

    Raises BookError (user-facing message) when it cannot be built."""
    book, cases = book_input(campaign, language, group_by)
    if with_statistics:  # the contents list the appendix too
        from ..reports.appendix import appendix_title
        book = dataclasses.replace(book, appendix_title=appendix_title(language))
    if on_progress:
        on_progress(0, len(cases))
    result = build_book(book, cases, str(out_path), cache_dir=str(cache_folder()),
                        photo_roots=photo_roots(), on_progress=on_progress,
                        work_dir=work_dir and str(work_dir))
    if with_statistics:
        from ..reports.appendix import append_statistics
        result.pages = append_statistics(campaign, str(out_path), language)
    return result, len(cases)


def build_campaign_book(job, progress):
    """Job: build the BookBuild named in the job's params and store its PDF as builds/<hex>.pdf."""
    build = db.session.get(BookBuild, job.params["build_id"])
    if build is None:
        raise JobFailed(str(_l("The build no longer exists.")))
    # Every temporary file is in the job's folder: a killed build's are removed with it.
    work = work_folder(job.id)
    partial = work / f"build-{build.id}.part"
    try:
        result, count = write_campaign_book(build.campaign, partial, build.language, build.group_by,
                                            progress, build.with_statistics, work)
        name = new_build_name()
        size = store_build(name, partial)
    except BookError as error:
        raise JobFailed(str(error.message)) from error
    finally:
        partial.unlink(missing_ok=True)
    build.storage_name, build.pages, build.cases = name, result.pages, count
    build.bytes, build.finished_at = size, utcnow()
    record(job.created_by, "book.built", build,
           changes={"pages": result.pages, "cases": count, "refused_urls": len(result.refused_urls),
                    "photo_problems": result.photo_problems[:20]})
    return {"build_id": build.id, "pages": result.pages, "cases": count}
