"""A real HTTP server of the app in its own process, for the durability tests.

    python tests/durability/server.py   (settings from DUR_* environment variables)

Prints the bound port on its first line of stdout, then serves one request at a
time (werkzeug, like one sync gunicorn worker) until it is killed.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from werkzeug.serving import make_server

from reviewapp import create_app


def main():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["DUR_DATABASE_URL"],
                     UPLOAD_FOLDER=Path(os.environ["DUR_UPLOAD_FOLDER"]),
                     INSTANCE_DIR=Path(os.environ["DUR_INSTANCE_DIR"]), JOB_BACKEND="thread")
    server = make_server("127.0.0.1", 0, app, threaded=False)
    print(server.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
