"""Starting, waiting for and killing app processes for the durability tests."""
import http.client
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
READY_TIMEOUT = 60  # seconds; generous for a loaded 2-core machine


def process_env(app, instance_dir):
    """Environment for a child process using the test app's database and upload folder."""
    env = dict(os.environ)
    env.update(DUR_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               DUR_UPLOAD_FOLDER=str(app.config["UPLOAD_FOLDER"]), DUR_INSTANCE_DIR=str(instance_dir),
               JOB_HEARTBEAT_TIMEOUT=str(app.config["JOB_HEARTBEAT_TIMEOUT"]), PYTHONUNBUFFERED="1")
    return env


def spawn(script, args, env, log):
    """Start `python script args` in a session of its own (so the whole group can be killed);
    its stderr goes to the file `log`."""
    with open(log, "ab") as stderr:
        return subprocess.Popen([sys.executable, str(HERE / script), *map(str, args)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)


def read_line(process, timeout=READY_TIMEOUT):
    """The child's next stdout line, or an AssertionError when it dies or takes too long."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise AssertionError(f"no output from the child process in {timeout} s")
    finally:
        selector.close()
    line = process.stdout.readline()
    if not line:
        raise AssertionError(f"the child process exited early (code {process.wait(10)})")
    return line.decode().strip()


def kill(process):
    """SIGKILL the process and everything it started (as a crash of its machine would); wait for it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(30)
    if process.stdout:
        process.stdout.close()


def children(pid):
    """Ids of the processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    """`tests/durability/server.py` in a child process: start(), request(), kill()."""

    def __init__(self, env, log):
        self.env, self.log, self.process, self.port = env, log, None, None

    def start(self):
        self.process = spawn("server.py", [], self.env, self.log)
        self.port = int(read_line(self.process))
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError("the server did not become ready")
            time.sleep(0.1)

    def connection(self, timeout=READY_TIMEOUT):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request on a new connection."""
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def kill(self):
        if self.process is not None:
            kill(self.process)
            self.process = None


def recover(env, log, older_than_minutes=0):
    """Run the real `flask jobs-recover` (the operator's step after a crash); returns its output
    (also appended to the file `log`)."""
    env = dict(env, REVIEWAPP_CONFIG="testing", FLASK_APP="wsgi.py", TEST_DATABASE_URL=env["DUR_DATABASE_URL"],
               UPLOAD_FOLDER=env["DUR_UPLOAD_FOLDER"], REVIEWAPP_INSTANCE=env["DUR_INSTANCE_DIR"])
    done = subprocess.run([sys.executable, "-m", "flask", "jobs-recover", "--older-than", str(older_than_minutes)],
                          cwd=ROOT, env=env, capture_output=True, timeout=READY_TIMEOUT * 2, check=False)
    with open(log, "ab") as out:
        out.write(done.stdout + done.stderr)
    assert done.returncode == 0, (done.stdout + done.stderr).decode(errors="replace")[-2000:]
    return done.stdout.decode()
