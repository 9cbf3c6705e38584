"""A submit, an upload and a delete sent from two tabs at the same instant: the case ends in
one of the states a person could have reached by doing them one after the other."""
import io
from functools import partial

from reviewapp.cases.models import Case, Evidence
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.cases.conftest import complete, folder_listing
from tests.factories import csrf_from, jpeg_bytes, sign_in_as
from tests.races import TRIALS, at_once

DRAFT_GONE = "该草稿已被删除"


def _new_draft(campaign, user):
    case = Case(campaign=campaign, organization=user.organization, contact_person="王丽",
                contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    return complete(case, user)


def test_submit_and_removing_the_only_photo_at_once_never_submit_a_case_without_a_photo(
        app, campaign, organization_user):
    campaign.allow_direct_submission = True
    db.session.commit()
    outcomes = set()
    for _trial in range(TRIALS):
        case = _new_draft(campaign, organization_user)
        photo = case.evidence[0]
        submitter, remover = (sign_in_as(app.test_client(), organization_user) for _ in range(2))
        submit_token = csrf_from(submitter.get(f"/cases/{case.id}/submit").get_data(as_text=True))
        remove_token = csrf_from(remover.get(f"/cases/{case.id}/evidence").get_data(as_text=True))

        responses = at_once(
            partial(submitter.post, f"/cases/{case.id}/submit", data={"csrf_token": submit_token}),
            partial(remover.post, f"/cases/{case.id}/evidence/{photo.id}/delete", data={"csrf_token": remove_token}))

        db.session.expire_all()
        case = db.session.get(Case, case.id)
        photos = [item for item in case.evidence if item.kind == "photo"]
        assert all(r.status_code < 500 for r in responses)
        if case.state is CaseState.SUBMITTED:  # the submit went first: the photo had to stay
            assert photos and responses[0].status_code == 302
            assert case.submitted_snapshot is not None
        else:  # the photo went first: the checklist refused the submit, and said why
            assert not photos and responses[0].status_code == 409
            assert "At least one photo" in responses[0].get_data(as_text=True)
        outcomes.add(case.state)
    assert outcomes <= {CaseState.SUBMITTED, CaseState.DRAFT}


def test_an_upload_to_a_draft_deleted_at_the_same_moment_is_refused_in_chinese_and_leaves_no_file(
        app, campaign, organization_user):
    organization_user.locale = "zh"
    db.session.commit()
    for _trial in range(TRIALS):
        case = Case(campaign=campaign, organization=organization_user.organization)
        db.session.add(case)
        db.session.commit()
        case_id = case.id
        uploader, deleter = (sign_in_as(app.test_client(), organization_user) for _ in range(2))
        upload_token = csrf_from(uploader.get(f"/cases/{case_id}/evidence").get_data(as_text=True))
        delete_token = csrf_from(deleter.get(f"/cases/{case_id}/delete").get_data(as_text=True))
        before = set(folder_listing(app.config["UPLOAD_FOLDER"]))

        upload, delete = at_once(
            partial(uploader.post, f"/cases/{case_id}/evidence", content_type="multipart/form-data",
                    headers={"Accept": "application/json"},
                    data={"csrf_token": upload_token, "caption": "",
                          "files": [(io.BytesIO(jpeg_bytes()), "晨练.jpg")]}),
            partial(deleter.post, f"/cases/{case_id}/delete", data={"csrf_token": delete_token}))

        db.session.expire_all()
        assert delete.status_code == 302 and db.session.get(Case, case_id) is None
        assert db.session.scalar(db.select(db.func.count(Evidence.id)).filter_by(case_id=case_id)) == 0
        if upload.status_code == 200:  # stored first, then deleted with the draft (tombstoned)
            assert upload.get_json()["accepted"]
        else:  # the draft was gone when the file was to be stored: said so, nothing written
            assert upload.status_code in (404, 409), upload.get_data(as_text=True)
            if upload.status_code == 409:
                assert DRAFT_GONE in upload.get_json()["refused"][0]["message"]
                assert set(folder_listing(app.config["UPLOAD_FOLDER"])) == before
