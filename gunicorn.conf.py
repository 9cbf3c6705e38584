"""gunicorn settings for reviewapp: `gunicorn -c gunicorn.conf.py wsgi:app`.

gunicorn reads this file automatically when it is started from the repository
root (`./gunicorn.conf.py`). Every value can be overridden from the
environment (names below) or on the command line.

    BIND                 address to listen on                  127.0.0.1:8000 (nginx in front)
    WEB_CONCURRENCY      worker processes                      CPU cores + 2
    GUNICORN_WORKER_CLASS  sync (one request at a time) or gthread   sync
    GUNICORN_THREADS     threads per worker (gthread only)     4 (sync: 1)
    GUNICORN_TIMEOUT     seconds a silent worker may take      60
    GUNICORN_GRACEFUL    seconds to finish requests on HUP/TERM 30
    GUNICORN_MAX_REQUESTS  recycle a worker after N requests   10000 (0 = never), jitter 10%
    GUNICORN_ACCESSLOG   gunicorn's own access log, "-" = stdout  off (the app logs each request)
    LOG_LEVEL            gunicorn's error-log level            info
"""
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where to listen. Behind nginx on the same machine, keep loopback.
bind = os.environ.get("BIND", "127.0.0.1:8000")

# Processes: cores + 2. A request spends most of its time on the CPU (the database
# answers in well under a millisecond), so processes beyond the cores mostly take
# turns and crowd the caches. Measured with `python -m bench web` at 16 clients on
# 2 cores, real sync workers (runs side by side): review page 281-284 requests/s,
# p99 73-77 ms with 3 or 4 workers; 231-235 requests/s, p99 95-97 ms with 5 (CPU
# per request 5.9 vs 7.1 ms). Raise WEB_CONCURRENCY where requests wait on other
# machines. Each process holds its own database connection pool (SQLAlchemy
# default 5 + 10 overflow), so workers x threads must stay well under
# PostgreSQL's max_connections (100 by default).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 2)

# Sync workers: each process takes a connection only when it is idle, so under
# load requests wait in one queue (the listen backlog) instead of behind a busy
# process's other threads, and no two requests of a process contend for the GIL.
# (Figures quoted here before 2026-11-23 compared gthread x 4 with itself: gunicorn
# had been turning "sync" into gthread because threads defaulted to 4.) Real sync
# workers, same run, 16 clients: p99 65 ms for the queue, 84 ms for the results
# table, 31 ms for the gallery. Sync workers need a buffering proxy in front (nginx
# buffers request and response bodies by default), which is the documented set-up.
# With gthread, keep threads <= the SQLAlchemy pool (5).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# gunicorn quietly runs gthread instead of sync when threads > 1: one thread for sync.
threads = _int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)

# A worker silent for `timeout` seconds is killed and replaced. Long work
# (books, exports, assignment runs) goes to background jobs, not requests;
# the largest synchronous request is an evidence upload (64 MB limit).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On HUP (reload) or TERM (deploy), workers get this long to finish requests.
graceful_timeout = _int("GUNICORN_GRACEFUL", 30)
# Keep-alive with nginx on the same host (gthread; sync workers close each connection).
keepalive = 5

# Recycle workers now and then (bounds slow memory growth of the certificate
# PDFs, Pillow, openpyxl rendered in requests; books are built by the job worker);
# the jitter keeps them from restarting all at once. Not too often: a new worker
# starts with empty caches (the results ranking, the gallery lists).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max(0, max_requests // 10)

# Each worker imports the app itself: no database connections or threads are
# created before the fork and shared between processes, and a code change is
# picked up by a plain HUP. (Costs a little more memory per worker.)
preload_app = False

# Request bodies are buffered by nginx; these only bound what reaches us.
limit_request_line = 8190
limit_request_fields = 100

# Logs: the app writes one JSON line per request (method, path, status, duration,
# user, client address, request id: reviewapp/ops/logging.py), so gunicorn's own
# access line, which would say the same again, is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = ('%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms '
                     'rid=%({x-request-id}o)s "%(f)s" "%(a)s"')

# X-Forwarded-* are interpreted by the app (TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"



def post_worker_init(worker):
    """Hide the app's long-lived objects (about 250,000: SQLAlchemy mappers, Babel
    data, compiled templates) from the garbage collector. They never become garbage,
    and a full collection over them pauses a request for ~150 ms; frozen, a few ms."""
    import gc
    gc.collect()
    gc.freeze()


# /tmp can be a slow disk in containers; the heartbeat files go to shared memory when present.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
