"""Office conversions go through one queue per machine, first come first served, and each
organization has a rate: six .docx in one request never run six LibreOffice processes at once."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pikepdf
import pytest

from reviewapp.cases.conversion_queue import QueueTimeout, conversion_slot, live_entries
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.jobs import Job
from tests.cases.test_evidence_routes import upload
from tests.cases.test_office_isolation import PREVIEW_JOBS, linking_docx
from tests.cases.test_office_preview import network_only_unshare


def recording_soffice(folder, seconds=0.4):
    """A stand-in LibreOffice that logs when it starts and ends, and writes a real one-page PDF."""
    minimal = folder / "minimal.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(minimal)
    log = folder / "runs.log"
    fake = folder / "soffice"
    fake.write_text(f"#!/bin/sh\necho start $(date +%s%N) >> {log}\nsleep {seconds}\nmkdir -p out\n"
                    f"cp {minimal} out/document.pdf\necho end $(date +%s%N) >> {log}\n")
    fake.chmod(0o755)
    return str(fake), log


def most_at_once(log):
    running = peak = 0
    lines = (line.split() for line in log.read_text().splitlines())
    events = sorted((int(stamp), kind) for kind, stamp in lines)
    for _, kind in events:  # at equal stamps "end" sorts before "start"
        running += 1 if kind == "start" else -1
        peak = max(peak, running)
    return peak


def wait_for_jobs(count, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see what the job threads committed
        jobs = db.session.scalars(PREVIEW_JOBS).all()
        every_job = db.session.scalars(db.select(Job)).all()  # uploads' own processing too
        if len(jobs) == count and all(job.finished for job in every_job):
            return jobs
        time.sleep(0.2)
    raise AssertionError(f"jobs still running: {[(job.id, job.status) for job in jobs]}")


def test_six_documents_in_one_request_are_converted_one_at_a_time(app, org_client, draft, tmp_path):
    app.config.update(JOB_BACKEND="thread", OFFICE_SANDBOX_UNSHARE=network_only_unshare(tmp_path))
    app.config["SOFFICE_BINARY"], log = recording_soffice(tmp_path)
    documents = [(f"report-{n}.docx", linking_docx(tmp_path / "none.png", 1000 + n)) for n in range(6)]
    response = upload(org_client, draft, *documents)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    jobs = wait_for_jobs(6)
    assert all(job.status.value == "done" for job in jobs), [job.error for job in jobs]
    assert len(log.read_text().splitlines()) == 12  # six runs...
    assert most_at_once(log) == 1  # ...never two at once
    db.session.rollback()
    assert all(item.preview_storage_name for item in db.session.scalars(db.select(Evidence)))
    assert live_entries(tmp_path / "office-conversions") == []  # nothing left waiting


def test_the_machine_setting_allows_more_at_once(app, tmp_path):
    folder, state = tmp_path / "queue", {"running": 0, "peak": 0}
    changed = threading.Condition()

    def convert():
        with conversion_slot(folder, slots=2, timeout=30):
            with changed:
                state["running"] += 1
                state["peak"] = max(state["peak"], state["running"])
                changed.notify_all()
                changed.wait_for(lambda: state["running"] >= 2, timeout=2)  # a partner gets in too
            time.sleep(0.1)  # still converting: a third one would be counted now
            with changed:
                state["running"] -= 1

    threads = [threading.Thread(target=convert) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["peak"] == 2


def test_waiters_are_served_in_arrival_order(tmp_path):
    folder, order = tmp_path / "queue", []
    first_holds, release = threading.Event(), threading.Event()

    def holder():
        with conversion_slot(folder, slots=1, timeout=10):
            first_holds.set()
            release.wait(10)

    def waiter(name):
        with conversion_slot(folder, slots=1, timeout=10):
            order.append(name)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    first_holds.wait(5)
    for number, name in enumerate("BCD", start=2):
        threads.append(threading.Thread(target=waiter, args=(name,)))
        threads[-1].start()
        while len(live_entries(folder)) < number:  # each has its ticket before the next arrives
            time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join()
    assert order == ["B", "C", "D"]


def test_a_holder_that_dies_frees_its_slot_and_a_live_one_times_out_the_wait(tmp_path):
    folder = tmp_path / "queue"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from reviewapp.cases.conversion_queue import conversion_slot
        with conversion_slot({str(folder)!r}, slots=1, timeout=5):
            print("holding", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(QueueTimeout) as waited:
            with conversion_slot(folder, slots=1, timeout=0.3):
                pass
        assert waited.value.ahead == 1
        holder.send_signal(signal.SIGKILL)  # killed mid-conversion: no clean-up runs
        holder.wait(5)
        started = time.monotonic()
        with conversion_slot(folder, slots=1, timeout=5):
            assert time.monotonic() - started < 3  # at once, not after its wait
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()
    assert live_entries(folder) == []


def test_an_organization_over_its_rate_sees_its_preview_pending(app, org_client, draft, tmp_path):
    app.config.update(OFFICE_PREVIEW_RATE="2 per hour", OFFICE_SANDBOX_UNSHARE=network_only_unshare(tmp_path))
    app.config["SOFFICE_BINARY"], _ = recording_soffice(tmp_path, seconds=0)
    documents = [(f"report-{n}.docx", linking_docx(tmp_path / "none.png", 2000 + n)) for n in range(3)]
    assert upload(org_client, draft, *documents).status_code == 302
    assert len(db.session.scalars(PREVIEW_JOBS).all()) == 2
    items = db.session.scalars(db.select(Evidence).order_by(Evidence.position)).all()
    assert [bool(item.preview_storage_name) for item in items] == [True, True, False]
    page = f"/cases/{draft.id}/evidence"
    english = org_client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "an organization may have 2 documents converted each hour, and this one has reached that" in english
    chinese = org_client.get(page, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "供浏览器阅读的 PDF 正在等待生成：每个申报单位每小时最多转换 2 份文档，本单位已达上限。" in chinese


def test_a_conversion_that_waits_too_long_is_left_pending(app, tmp_path):
    from reviewapp.cases.previews import convert_to_pdf
    from reviewapp.jobs.runner import JobFailed
    app.config.update(OFFICE_CONVERSION_WAIT=0.3, OFFICE_SANDBOX_UNSHARE=network_only_unshare(tmp_path))
    soffice, log = recording_soffice(tmp_path, seconds=0)
    with conversion_slot(tmp_path / "office-conversions", slots=1, timeout=5):  # another one converting
        with pytest.raises(JobFailed, match="still pending"):
            convert_to_pdf(linking_docx(tmp_path / "none.png", 9), "docx", soffice, 10)
    assert not log.exists()  # LibreOffice never started
    assert convert_to_pdf(linking_docx(tmp_path / "none.png", 9), "docx", soffice, 10).startswith(b"%PDF-")
