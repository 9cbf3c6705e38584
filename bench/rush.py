"""Deadline rush: N applicants sign in, autosave, upload photos and submit, under gunicorn.

The production set-up on this machine: gunicorn.conf.py (REVIEWAPP_CONFIG=production, Argon2
at its production costs), PostgreSQL (its own database, default `reviewapp_bench_rush`, emptied
and filled for each run), the job queue on Redis with `flask worker` processes (JOB_BACKEND=rq,
so whatever uploads hand to jobs is done as in production), TRUSTED_PROXIES=1 and a distinct
X-Forwarded-For per applicant (198.18.0.0/15, the benchmarking range: only a header here), so
per-address limits count each applicant on its own.

Each applicant has an account and a draft that lacks only its photos. All start together and
each, on its own keep-alive connection: GETs the sign-in page and POSTs the password (then the
dashboard it is sent to), opens the case form, autosaves --saves times (each a changed text,
carrying the version the last answer gave), uploads 1 or 2 photos (--photo-size pixels, a
real camera-like JPEG, distinct per applicant), and submits. While its files are being
processed it polls their states as the evidence page does (1.5 s apart, growing to 5 s;
counted as file_polls), then submits; a submit refused all the same is sent again after
1.5 s (counted as submit_waits, not an error), until --file-wait seconds.

Prints `rush setup ...`, one line per request kind `rush REQUEST count=.. p50_ms=.. p99_ms=..`,
and `rush total applicants=N completed=.. within_s=.. errors=.. lost_drafts=.. seconds=..
cpu_s_per_applicant=..` (completed: submitted within --goal seconds of the start; lost drafts:
cases whose stored text is not the last one its applicant saved, or that hold fewer photos than
were accepted; CPU: gunicorn workers, job workers and this database's PostgreSQL backends,
from /proc, so other load on the machine does not inflate it).

Usage: python -m bench rush [--applicants 200] [--saves 3] [--workers N] [--job-workers CORES]
       [--photo-size 1600x1200] [--goal 60] [--database-url URL] [--redis-url URL]
"""
import argparse
import http.client
import io
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from .web import REPO_ROOT, cpu_seconds, database_cpu, free_port, process_cpu

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/reviewapp_bench_rush"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
PASSWORD = "rush-bench-password"
VERSION_INPUT = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def text_of(number, save):
    return f"第{number}号申请人第{save}次保存：每周三次在社区开展健身指导，带领居民练习八段锦。"


def prepare(url, env, count):
    """Migrate the bench database, empty it and add `count` applicants with their drafts.
    Returns [(number, email, case_id, form fields)]."""
    subprocess.run([sys.executable, "scripts/ensure_test_database.py", url], cwd=REPO_ROOT, check=True)
    subprocess.run([str(Path(sys.executable).with_name("flask")), "db", "upgrade"], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True)
    sys.path.insert(0, str(REPO_ROOT))
    from reviewapp import create_app
    from reviewapp.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1), UPLOAD_FOLDER=Path(env["UPLOAD_FOLDER"]),
        **{name: int(env[name]) for name in ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")})
    with app.app_context():
        tables = db.session.scalars(db.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).all()
        db.session.execute(db.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        db.session.commit()
        people = fill(db, count)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    return people


def fill(db, count):
    from datetime import datetime, timezone

    from reviewapp.auth.models import Role, User
    from reviewapp.cases.models import ActivityLogEntry, Case
    from reviewapp.organizations.credit_code import check_character
    from reviewapp.organizations.models import Organization
    from reviewapp.units.models import RecommendingUnit, UnitKind
    from tests.factories import make_campaign
    from tests.perf.test_deadline_rush import form_fields

    db.session.add(RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="北京市体育局",
                                    name_en="Beijing Municipal Sports Bureau", province="beijing"))
    campaign = make_campaign()
    hashed = User(email="x", name="x", role=Role.ORGANIZATION)
    hashed.set_password(PASSWORD)  # one hash at the production costs, shared: no rehash at sign-in
    text = "每周三次，在公园和社区广场开展健身指导。"
    people = []
    for number in range(count):
        first17 = f"51110000MJ{number:07d}"
        email = f"rush{number}@bench.reviewapp.cn"
        organization = Organization(name=f"北京市第{number}体育协会", org_type="sports_association",
                                    province="beijing", credit_code=first17 + check_character(first17),
                                    contact_person="王丽", mobile="13800138000", email=email)
        user = User(email=email, name="王丽", role=Role.ORGANIZATION, organization=organization,
                    password_hash=hashed.password_hash)
        case = Case(campaign=campaign, organization=organization, contact_person="王丽",
                    contact_phone="13800138000", title=f"社区健身志愿服务常态化案例{number}",
                    summary="每周在社区开展科学健身指导。", themes=list(campaign.themes),
                    service_places=["communities"], volunteer_categories=["instructors"])
        from reviewapp.cases.reference import FIGURES, NARRATIVE_SECTIONS
        for attribute, _label in NARRATIVE_SECTIONS:
            setattr(case, attribute, text)
        for n, (attribute, _label) in enumerate(FIGURES, start=1):
            setattr(case, attribute, 2015 if attribute == "start_year" else n * 10)
        case.activities.append(ActivityLogEntry(position=1, name="八段锦教学", mode="offline",
                                                held_on=datetime(datetime.now().year, 1, 5, tzinfo=timezone.utc),
                                                held_on_text="1月5日"))
        db.session.add_all([organization, user, case])
        people.append((number, email, case))
    db.session.commit()
    return [(number, email, case.id, form_fields(case)) for number, email, case in people]


def photo(number, index, size):
    """A camera-like JPEG (smooth gradients and noise, about 1 bit per pixel), distinct per
    applicant and photo."""
    from PIL import Image, ImageFilter
    rng = random.Random(number * 10 + index)
    width, height = size
    small = Image.frombytes("RGB", (width // 8, height // 8), rng.randbytes(width // 8 * height // 8 * 3))
    image = small.resize(size, Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=88)
    return output.getvalue()


class Applicant:
    """One person's browser: a keep-alive connection, a cookie jar of one, their own address."""

    def __init__(self, port, address, timings, lock):
        self.port, self.address, self.cookie = port, address, None
        self.timings, self.lock = timings, lock
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, kind, method, path, body=None, content_type=None, accept=None):
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh", "X-Forwarded-For": self.address,
                   "X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1{path}"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        began = time.perf_counter()
        for attempt in range(2):  # a keep-alive connection the server closed: open a new one once
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        with self.lock:
            self.timings.setdefault(kind, []).append(time.perf_counter() - began)
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response, data


def csrf(html):
    match = CSRF_INPUT.search(html)
    return match.group(1) or match.group(2)


def multipart(fields, files):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def rush(browser, number, email, case_id, fields, photos, saves, file_wait, outcome):
    """The applicant's whole visit; fills `outcome` (last saved text, photos accepted, when done, errors)."""
    def fail(step, response, data):
        outcome["error"] = f"{step}: {response.status} {data[:160]!r}"

    response, data = browser.send("sign_in_page", "GET", "/auth/sign-in")
    response, data = browser.send("sign_in", "POST", "/auth/sign-in", urlencode(
        {"csrf_token": csrf(data.decode()), "email": email, "password": PASSWORD}),
        "application/x-www-form-urlencoded")
    if response.status != 302:
        return fail("sign-in", response, data)
    browser.send("dashboard", "GET", response.getheader("Location"))
    response, data = browser.send("case_form", "GET", f"/cases/{case_id}/edit")
    if response.status != 200:
        return fail("case form", response, data)
    html = data.decode()
    match = VERSION_INPUT.search(html)
    version, token = match.group(1) or match.group(2), csrf(html)
    for save in range(1, saves + 1):
        body = urlencode({**fields, "csrf_token": token, "version": version,
                          "activities_text": text_of(number, save)}, doseq=True)
        response, data = browser.send("autosave", "POST", f"/cases/{case_id}/autosave", body,
                                      "application/x-www-form-urlencoded", "application/json")
        if response.status != 200 or b'"ok":true' not in data.replace(b" ", b""):
            return fail(f"autosave {save}", response, data)
        version = re.search(rb'"version":\s*(\d+)', data).group(1).decode()
        outcome["saved"] = text_of(number, save)
    for index, data in enumerate(photos):
        body, content_type = multipart({"csrf_token": token, "caption": f"活动照片{index + 1}"},
                                       [("files", (f"活动{index + 1}.jpg", data))])
        response, answer = browser.send("upload", "POST", f"/cases/{case_id}/evidence", body, content_type,
                                        "application/json")
        if response.status != 200 or b'"refused":[]' not in answer.replace(b" ", b""):
            return fail(f"upload {index + 1}", response, answer)
        outcome["photos"] = index + 1
    deadline, delay = time.monotonic() + file_wait, 1.5
    while True:
        # As the evidence page does: poll the files' states (1.5 s apart, growing x1.5 to 5 s)
        # until none is busy.
        response, data = browser.send("processing", "GET", f"/cases/{case_id}/evidence/processing.json")
        if response.status == 200 and b'"ready":false' in data.replace(b" ", b""):
            if time.monotonic() > deadline:
                return fail("files", response, data)
            outcome["file_polls"] = outcome.get("file_polls", 0) + 1
            time.sleep(delay)
            delay = min(5.0, delay * 1.5)
            continue
        response, data = browser.send("submit", "POST", f"/cases/{case_id}/submit",
                                      urlencode({"csrf_token": token}), "application/x-www-form-urlencoded")
        if response.status == 302 and response.getheader("Location", "").endswith(f"/cases/{case_id}"):
            outcome["done"] = time.perf_counter()
            return None
        if time.monotonic() > deadline:
            return fail("submit", response, data)
        outcome["submit_waits"] = outcome.get("submit_waits", 0) + 1  # refused though the files looked ready
        time.sleep(1.5)


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def wait_for(port, server, logs):
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start; see {logs}/error.log")
        time.sleep(0.2)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench rush")
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    # One per core, as the README's sizing says: with one, the photos of 200 applicants wait for a
    # single process while the web workers leave the other core idle between requests.
    parser.add_argument("--job-workers", type=int, default=os.cpu_count() or 1, help="`flask worker` processes")
    parser.add_argument("--photo-size", default="1600x1200")
    parser.add_argument("--goal", type=float, default=60, help="seconds within which applicants count as completed")
    parser.add_argument("--file-wait", type=float, default=120)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.photo_size.split("x"))

    port, uploads = free_port(), tempfile.mkdtemp(prefix="bench-rush-files-")
    env = {**os.environ, "REVIEWAPP_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": args.database_url, "FLASK_APP": "wsgi.py", "PUBLIC_BASE_URL": "https://bench.example.org",
           "MAIL_BACKEND": "smtp", "BIND": f"127.0.0.1:{port}", "TRUSTED_PROXIES": "1", "UPLOAD_FOLDER": uploads,
           "JOB_BACKEND": "rq", "REDIS_URL": args.redis_url, "JOB_QUEUE": f"bench-rush-{port}",
           "RATELIMIT_STORAGE_URI": args.redis_url, "GUNICORN_MAX_REQUESTS": "0"}
    for name, default in (("ARGON2_TIME_COST", "2"), ("ARGON2_MEMORY_COST", "19456"), ("ARGON2_PARALLELISM", "1")):
        env.setdefault(name, default)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    began = time.perf_counter()
    people = prepare(args.database_url, env, args.applicants)
    photos = {number: [photo(number, i, size) for i in range(1 + number % 2)] for number, *_ in people}
    database = args.database_url.rsplit("/", 1)[1]
    print(f"rush data applicants={len(people)} photos={sum(map(len, photos.values()))} "
          f"photo_kb={sum(len(p) for ps in photos.values() for p in ps) / 1024 / max(1, len(people)):.0f}_per_applicant "
          f"seconds={time.perf_counter() - began:.1f}", flush=True)

    logs = tempfile.mkdtemp(prefix="bench-rush-")
    flask = str(Path(sys.executable).with_name("flask"))
    with open(os.path.join(logs, "error.log"), "w") as errorlog:
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                                   "wsgi:app"], cwd=REPO_ROOT, env=env, stdout=errorlog, stderr=errorlog)
        job_workers = [subprocess.Popen([flask, "worker"], cwd=REPO_ROOT, env=env, stdout=errorlog,
                                        stderr=errorlog) for _ in range(args.job_workers)]
    try:
        wait_for(port, server, logs)
        running = re.search(r"Using worker: (\w+)", Path(logs, "error.log").read_text())
        booted = len(re.findall(r"Booting worker", Path(logs, "error.log").read_text()))
        print(f"rush setup workers={booted} worker_class={running.group(1) if running else '?'} "
              f"job_workers={args.job_workers} argon2=m={env['ARGON2_MEMORY_COST']},t={env['ARGON2_TIME_COST']},"
              f"p={env['ARGON2_PARALLELISM']} photo={args.photo_size} load1={os.getloadavg()[0]:.2f} "
              f"cores={os.cpu_count()}", flush=True)
        timings, lock, outcomes = {}, threading.Lock(), {}
        browsers = [Applicant(port, f"198.18.{number // 250}.{number % 250 + 1}", timings, lock)
                    for number, *_ in people]
        start = threading.Barrier(len(people) + 1)

        def run(browser, number, email, case_id, fields):
            outcome = outcomes.setdefault(case_id, {"photos": 0})
            start.wait()
            try:
                rush(browser, number, email, case_id, fields, photos[number], args.saves, args.file_wait, outcome)
            except Exception as error:  # a timeout or a dropped connection: counted, not fatal
                outcome["error"] = f"{type(error).__name__}: {error}"

        threads = [threading.Thread(target=run, args=(browser, *person), daemon=True)
                   for browser, person in zip(browsers, ((n, e, c, f) for n, e, c, f in people))]
        for thread in threads:
            thread.start()
        def cpu_parts():  # web workers, job workers, the database's backends
            return (cpu_seconds(server.pid), sum(process_cpu(w.pid) for w in job_workers), database_cpu(database))

        cpu_before = cpu_parts()
        start.wait()
        t0 = time.perf_counter()
        for thread in threads:
            thread.join(timeout=max(1.0, args.goal * 5 - (time.perf_counter() - t0)))
        seconds = time.perf_counter() - t0
        time.sleep(1)  # let the last job's work horse be reaped
        web_cpu, job_cpu, db_cpu = (after - before for after, before in zip(cpu_parts(), cpu_before))
        cpu = web_cpu + job_cpu + db_cpu
        for kind in ("sign_in_page", "sign_in", "dashboard", "case_form", "autosave", "upload", "processing",
                     "submit"):
            values = timings.get(kind, [])
            print(f"rush {kind} count={len(values)} p50_ms={percentile(values, .5):.0f} "
                  f"p99_ms={percentile(values, .99):.0f}", flush=True)
        lost = lost_drafts(env, people, outcomes)
        done = [o["done"] - t0 for o in outcomes.values() if "done" in o]
        errors = [o["error"] for o in outcomes.values() if "error" in o]
        for error in errors[:5]:
            print(f"rush error {error}", flush=True)
        print(f"rush total applicants={len(people)} completed={sum(d <= args.goal for d in done)} "
              f"within_s={args.goal:g} submitted={len(done)} errors={len(errors)} lost_drafts={lost} "
              f"submit_waits={sum(o.get('submit_waits', 0) for o in outcomes.values())} seconds={seconds:.1f} "
              f"file_polls={sum(o.get('file_polls', 0) for o in outcomes.values())} "
              f"last_submit_s={max(done, default=0):.1f} cpu_s_per_applicant={cpu / max(1, len(people)):.2f} "
              f"web_cpu_s={web_cpu / max(1, len(people)):.2f} job_cpu_s={job_cpu / max(1, len(people)):.2f} "
              f"db_cpu_s={db_cpu / max(1, len(people)):.2f} "
              f"load1={os.getloadavg()[0]:.2f}", flush=True)
    finally:
        for process in [server, *job_workers]:
            process.terminate()
        for process in [server, *job_workers]:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        import shutil
        shutil.rmtree(uploads, ignore_errors=True)
    return 0


def lost_drafts(env, people, outcomes):
    """Cases whose stored text is not the last text their applicant saved, or that hold fewer
    photos than the server accepted."""
    import psycopg
    lost = 0
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        for _number, _email, case_id, _fields in people:
            text, photos = conn.execute(
                "SELECT activities_text, (SELECT count(*) FROM evidence WHERE case_id = cases.id) "
                "FROM cases WHERE id = %s", (case_id,)).fetchone()
            outcome = outcomes.get(case_id, {})
            if ("saved" in outcome and text != outcome["saved"]) or photos < outcome.get("photos", 0):
                lost += 1
    return lost
