"""Uploads sent at the same instant (the browser sends each file on its own request) never
take a case past its size limit; the files that do not fit are refused in the user's language."""
import io
import os
from functools import partial

from PIL import Image

from reviewapp.cases.models import Case, Evidence
from reviewapp.extensions import db
from tests.cases.conftest import folder_listing
from tests.factories import csrf_from, sign_in_as
from tests.races import TRIALS, at_once, impatient_app, lock_held, row_lock

MB = 1024 * 1024
DOES_NOT_FIT = "无法上传：每个案例的文件合计不得超过 1 MB"
BUSY = "此刻正在保存的修改很多"


def noise_png(side=365):
    """A photo of random pixels: about 0.4 MB that no compression makes smaller."""
    output = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(output, "PNG")
    return output.getvalue()


def _send(client, case, token, photo, number):
    return client.post(f"/cases/{case.id}/evidence", content_type="multipart/form-data",
                       headers={"Accept": "application/json"},
                       data={"csrf_token": token, "caption": "", "files": [(io.BytesIO(photo), f"照片{number}.png")]})


def test_simultaneous_uploads_never_pass_the_case_limit(app, campaign, organization_user):
    app.config["EVIDENCE_MAX_CASE_MB"] = 1
    organization_user.locale = "zh"
    db.session.commit()
    photo = noise_png()
    assert 2 * len(photo) <= MB < 3 * len(photo)  # two fit, the third does not
    for _trial in range(TRIALS):
        case = Case(campaign=campaign, organization=organization_user.organization)
        db.session.add(case)
        db.session.commit()
        clients = [sign_in_as(app.test_client(), organization_user) for _ in range(3)]
        tokens = [csrf_from(c.get(f"/cases/{case.id}/evidence").get_data(as_text=True)) for c in clients]
        before = len(folder_listing(app.config["UPLOAD_FOLDER"]))

        responses = at_once(*(partial(_send, c, case, t, photo, n)
                              for n, (c, t) in enumerate(zip(clients, tokens))))

        sizes = db.session.scalars(db.select(Evidence.size).filter_by(case_id=case.id)).all()
        assert sum(sizes) <= MB, f"{sum(sizes)} bytes stored against a limit of {MB}"
        assert len(sizes) == 2  # the lock refuses only what does not fit
        assert sorted(r.status_code for r in responses) == [200, 200, 400]
        refused = next(r for r in responses if r.status_code == 400).get_json()
        assert refused["accepted"] == [] and DOES_NOT_FIT in refused["refused"][0]["message"]
        # Original, blind copy, thumbnail and print-size photo of each stored one; nothing of the refused one.
        assert len(folder_listing(app.config["UPLOAD_FOLDER"])) - before == 2 * 4


def test_an_upload_that_waits_too_long_is_refused_politely_and_leaves_nothing(app, draft, organization_user):
    organization_user.locale = "zh"
    db.session.commit()
    with impatient_app(app) as impatient, lock_held(app, row_lock("cases"), id=draft.id):
        client = sign_in_as(impatient.test_client(), organization_user)
        token = csrf_from(client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True))
        response = _send(client, draft, token, noise_png(40), 1)
        assert response.status_code == 503 and BUSY in response.get_json()["refused"][0]["message"]
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 0
    assert folder_listing(app.config["UPLOAD_FOLDER"]) == []
