"""Web pages under gunicorn: requests/s and p50/p99 latency at 1, 16 and 64 clients.

Starts the app with the repository's gunicorn.conf.py (production config) on a
free loopback port against its own PostgreSQL database `reviewapp_bench`
(created with scripts/ensure_test_database.py, migrated with `flask db
upgrade`, filled once by bench/_webdata.py: 5,000 cases, 200 experts, 15,000
reviews, plus 600 published cases for the gallery). Signs in once per role with
a real POST and reuses the session cookie.

Pages, every main page of every role (PAGES below): healthz (the baseline); public:
home, gallery, gallery_case; applicant: dashboard and case_form (a draft with 8 files);
unit: unit_list (about 156 cases) and unit_case; administrator: admin_cases, assignment,
results (5,000 cases x 200 experts), selection, reviewers, reports, audit_log (40,000
entries); expert: expert_queue (75 assignments) and review_page (a real assignment token).
Each level runs --seconds (default 5) with keep-alive connections from
wrk (Debian's package; a C client that leaves the 2 cores to the server), or,
without wrk or with --client python, from http.client threads of this process
(which take a good part of the CPU themselves). One line per page and level:
`web PAGE clients=N rps=.. p50_ms=.. p99_ms=.. ratio=.. app_cpu_ms=.. db_cpu_ms=..` (ratio = rps /
healthz rps; app_cpu_ms and db_cpu_ms: CPU time per request of the gunicorn workers and of
the bench database's PostgreSQL backends, read from /proc, which other load on the machine does
not inflate). The last line names the page furthest from its target (p99 < 150 ms at 16
clients, app CPU < 20 ms per request): `web worst PAGE clients=N p99_ms=.. app_cpu_ms=..`.

Usage: python -m bench web [--seconds S] [--levels 1,16,64] [--pages a,b] [--database-url URL]
"""
import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/reviewapp_bench"
PAGES = ["healthz", "home", "gallery", "gallery_case", "dashboard", "case_form", "unit_list", "unit_case",
         "admin_cases", "assignment", "results", "selection", "reviewers", "reports", "audit_log",
         "expert_queue", "review_page"]
TARGET_P99_MS, TARGET_CPU_MS = 150, 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url, env):
    subprocess.run([sys.executable, "scripts/ensure_test_database.py", url], cwd=REPO_ROOT, check=True)
    subprocess.run([str(Path(sys.executable).with_name("flask")), "db", "upgrade"], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True)
    sys.path.insert(0, str(REPO_ROOT))
    from reviewapp import create_app
    from reviewapp.extensions import db

    from . import _webdata
    app = create_app("development", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1))
    with app.app_context():
        stale = _webdata.filled(db) is False
        db.engine.dispose()
    if stale:  # an older version of the data: start again from an empty database
        drop_database(url)
        return prepare(url, env)
    with app.app_context():
        started = time.perf_counter()
        filled = _webdata.fill(db)
        db.session.execute(db.text("ANALYZE"))  # fresh planner statistics, as autovacuum would give
        db.session.commit()
        print(f"web data {'filled' if filled else 'cached'} seconds={time.perf_counter() - started:.1f}",
              flush=True)
        token = _webdata.review_token(env["SECRET_KEY"], db)
        ids = _webdata.page_ids(db)
        db.engine.dispose()
    return token, ids


def drop_database(url):
    import psycopg
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def request(conn, method, path, cookie=None, body=None):
    headers = {"Host": "127.0.0.1", "Accept-Language": "zh"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def sign_in(port, email, password):
    """A real sign-in POST (with the form's CSRF token); returns the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    response, body = request(conn, "GET", "/auth/sign-in")
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    response, _ = request(conn, "POST", "/auth/sign-in", cookie,
                          urlencode({"csrf_token": token, "email": email, "password": password}))
    assert response.status == 302, f"sign-in as {email} answered {response.status}"
    cookie = response.getheader("Set-Cookie", cookie).split(";", 1)[0]
    # Follow the redirect as a browser does: the first page after sign-in puts the CSRF
    # secret in the session cookie; without it every measured page would write a new one.
    response, _ = request(conn, "GET", response.getheader("Location"), cookie)
    return response.getheader("Set-Cookie", cookie).split(";", 1)[0]


WRK = shutil.which("wrk")
_WRK_LATENCY = re.compile(r"^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load_wrk(port, path, cookie, clients, seconds):
    """The same measurement with wrk (a C client: it leaves the cores to the server)."""
    headers = ["-H", "Accept-Language: zh"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    out = subprocess.run([WRK, "--latency", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:g}s",
                          "--timeout", "60s", *headers, f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {q: float(v) * _UNIT_MS[unit] for q, v, unit in _WRK_LATENCY.findall(out)}
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", out))
    return rps, latency["50"], latency["99"], errors


def process_cpu(pid, children=True):
    """CPU seconds of `pid` (and of the children it has waited for, e.g. rq's work horses)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2:].split()
    return sum(int(n) for n in fields[11:15 if children else 13]) / os.sysconf("SC_CLK_TCK")


def database_cpu(name):
    """CPU seconds of the PostgreSQL backends serving database `name` (their process title
    names it), so other databases' load on the same server is not counted."""
    total = 0.0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres:") and f" {name} ".encode() in title.replace(b"\0", b" ") + b" ":
            total += process_cpu(cmdline.parent.name, children=False)
    return total


def cpu_seconds(parent_pid, command_name=None):
    """CPU seconds (user + system) used so far by the children of `parent_pid` (the gunicorn
    workers), or by every process called `command_name` (PostgreSQL's backends)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if (command_name and name == command_name) or (not command_name and int(fields[1]) == parent_pid):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def settle(parent_pid, database, quiet=0.02, interval=0.2, limit=15):
    """Wait until the gunicorn workers and the database have finished what the last level
    left queued (wrk stops with requests still in the workers' backlog): otherwise the next
    page's first requests wait behind them and its p99 measures the previous page."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(parent_pid) + database_cpu(database)
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = cpu_seconds(parent_pid) + database_cpu(database)
        if now - last < quiet:
            return
        last = now


def load(port, path, cookie, clients, seconds):
    """`clients` threads, each with a keep-alive connection, GET `path` for `seconds`."""
    latencies, errors, start = [], [], threading.Barrier(clients + 1)
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        start.wait()
        end = time.perf_counter() + seconds
        while (now := time.perf_counter()) < end:
            try:
                response, _ = request(conn, "GET", path, cookie)
                bad += response.status != 200
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - now)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, pick(0.50), pick(0.99), sum(errors)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench web")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--levels", default="1,16,64")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if WRK else "python",
                        help="wrk (apt-get install wrk) when present, else threads of this process")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    pages = [p for p in args.pages.split(",") if p]

    port = free_port()
    env = {**os.environ, "REVIEWAPP_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": args.database_url, "FLASK_APP": "wsgi.py", "SESSION_COOKIE_SECURE": "0",
           "PUBLIC_BASE_URL": "https://bench.example.org", "MAIL_BACKEND": "smtp",
           "BIND": f"127.0.0.1:{port}", "JOB_BACKEND": "thread", "LOGIN_RATE_LIMIT": "100 per minute",
           # Steady state: no worker is recycled (and its caches emptied) in the middle of a run.
           "GUNICORN_MAX_REQUESTS": "0"}
    token, ids = prepare(args.database_url, env)
    database = args.database_url.rsplit("/", 1)[1]
    logs = tempfile.mkdtemp(prefix="bench-web-")
    with open(os.path.join(logs, "error.log"), "w") as errorlog:
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                                   "wsgi:app"], cwd=REPO_ROOT, env=env, stdout=errorlog, stderr=errorlog)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if request(conn, "GET", "/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {logs}/error.log")
            time.sleep(0.2)
        from . import _webdata
        expert = sign_in(port, _webdata.EXPERT_EMAIL, _webdata.PASSWORD)
        admin = sign_in(port, _webdata.ADMIN_EMAIL, _webdata.PASSWORD)
        applicant = sign_in(port, _webdata.APPLICANT_EMAIL, _webdata.PASSWORD)
        unit = sign_in(port, _webdata.UNIT_EMAIL, _webdata.PASSWORD)
        campaign_id = ids["campaign"]
        targets = {"healthz": ("/healthz", None), "home": ("/", None), "gallery": ("/gallery/", None),
                   "gallery_case": (f"/gallery/cases/{ids['gallery_case']}", None),
                   "dashboard": ("/dashboard", applicant), "case_form": (f"/cases/{ids['draft']}/edit", applicant),
                   "unit_list": ("/recommendation/", unit),
                   "unit_case": (f"/recommendation/cases/{ids['unit_case']}", unit),
                   "admin_cases": (f"/admin/cases?campaign={campaign_id}", admin),
                   "assignment": (f"/assignment/campaigns/{campaign_id}", admin),
                   "results": (f"/results/campaigns/{campaign_id}", admin),
                   "selection": (f"/results/campaigns/{campaign_id}/selection", admin),
                   "reviewers": (f"/results/campaigns/{campaign_id}/reviewers", admin),
                   "reports": (f"/reports/campaigns/{campaign_id}", admin),
                   "audit_log": ("/admin/audit", admin),
                   "expert_queue": ("/review/", expert), "review_page": (f"/review/{token}", expert)}
        for page in pages:  # a page that answers with an error or a redirect measures nothing
            path, cookie = targets[page]
            began = time.perf_counter()
            response, body = request(http.client.HTTPConnection("127.0.0.1", port, timeout=120), "GET", path, cookie)
            if response.status != 200:
                raise RuntimeError(f"{page} ({path}) answered {response.status}; see {logs}/error.log")
            print(f"web first {page} ms={(time.perf_counter() - began) * 1000:.0f} kb={len(body) / 1024:.0f}",
                  flush=True)
        workers = subprocess.run([sys.executable, "-c", "import runpy; c = runpy.run_path('gunicorn.conf.py');"
                                  "print(c['workers'], c['worker_class'], c['threads'])"], cwd=REPO_ROOT, env=env,
                                 capture_output=True, text=True).stdout.split()
        # The class gunicorn really runs (it turns sync into gthread when threads > 1).
        running = re.search(r"Using worker: (\w+)", Path(logs, "error.log").read_text())
        print(f"web setup client={args.client} workers={workers[0]} "
              f"worker_class={running.group(1) if running else workers[1]} threads={workers[2]} "
              f"load1={os.getloadavg()[0]:.2f} "
              f"cores={os.cpu_count()}", flush=True)
        measure = load_wrk if args.client == "wrk" else load
        for _round in range(2):  # warm every worker's caches (each gunicorn worker has its own;
            for page in pages:     # a first results page computes its ranking for about a second)
                path, cookie = targets[page]
                measure(port, path, cookie, 32, 3)
        baseline, worst = {}, None
        for clients in levels:
            for page in ["healthz"] + [p for p in pages if p != "healthz"]:
                path, cookie = targets[page]
                settle(server.pid, database)
                before = cpu_seconds(server.pid), database_cpu(database)
                rps, p50, p99, errors = measure(port, path, cookie, clients, args.seconds)
                requests = max(1, rps * args.seconds)
                app_cpu = (cpu_seconds(server.pid) - before[0]) / requests * 1000
                db_cpu = (database_cpu(database) - before[1]) / requests * 1000
                baseline.setdefault(clients, rps)
                note = f" errors={errors}" if errors else ""
                if page in pages:
                    print(f"web {page} clients={clients} rps={rps:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f} "
                          f"ratio={rps / max(baseline[clients], 0.01):.2f} app_cpu_ms={app_cpu:.1f} db_cpu_ms={db_cpu:.1f}{note}",
                          flush=True)
                    # Furthest from target: at 16 clients (or the level nearest it), by the larger ratio.
                    score = (abs(clients - 16), -max(p99 / TARGET_P99_MS, app_cpu / TARGET_CPU_MS))
                    if page != "healthz" and (worst is None or score < worst[0]):
                        worst = (score, page, clients, p99, app_cpu)
        if worst:
            _score, page, clients, p99, app_cpu = worst
            print(f"web worst {page} clients={clients} p99_ms={p99:.1f} app_cpu_ms={app_cpu:.1f} "
                  f"targets=p99_ms<{TARGET_P99_MS},app_cpu_ms<{TARGET_CPU_MS}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0
