"""A second process that uploads and deletes evidence through the app's routes, in a loop,
against the test's database and upload folder, until the file `stop` appears.

    python tests/backup/writer.py DATABASE_URL UPLOAD_FOLDER INSTANCE_DIR USER_ID CASE_ID STOP_FILE

Prints `ready` after its first upload and deletion, and `done UPLOADS DELETIONS` at the end.
"""
import io
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image  # noqa: E402

from reviewapp import create_app  # noqa: E402
from reviewapp.auth.models import User  # noqa: E402
from reviewapp.cases.models import Evidence  # noqa: E402
from reviewapp.extensions import db  # noqa: E402
from tests.factories import csrf_from, sign_in_as  # noqa: E402

KEEP = 6  # evidence rows the loop keeps while it adds and removes


def photo(seed):
    """A photo of noise (about 100 KB), different every time."""
    generator = random.Random(seed)
    image = Image.frombytes("RGB", (200, 160), bytes(generator.getrandbits(8) for _ in range(200 * 160 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def main(url, folder, instance, user_id, case_id, stop_file):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=Path(folder), INSTANCE_DIR=Path(instance))
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.get(User, int(user_id)))
    page = f"/cases/{case_id}/evidence"
    uploads = deletions = 0
    while uploads < 2 or not os.path.exists(stop_file):
        token = csrf_from(client.get(page).get_data(as_text=True))
        response = client.post(page, data={"csrf_token": token, "caption": "",
                                           "files": [(io.BytesIO(photo(uploads)), f"p{uploads}.jpg")]},
                               content_type="multipart/form-data", headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json["accepted"], response.get_data(as_text=True)[:300]
        uploads += 1
        with app.app_context():
            ids = db.session.scalars(db.select(Evidence.id).filter_by(case_id=int(case_id))
                                     .order_by(Evidence.id)).all()
        for evidence_id in ids[:-KEEP]:
            response = client.post(f"{page}/{evidence_id}/delete", data={"csrf_token": token})
            assert response.status_code == 302, response.status_code
            deletions += 1
        if uploads == 2:
            print("ready", flush=True)
    print(f"done {uploads} {deletions}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
