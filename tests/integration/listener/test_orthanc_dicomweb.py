"""Orthanc, with our server as its DICOMweb peer and our listener as a DICOM modality, sends one
study half by STOW-RS and half by C-STORE: it ends up here as one study, which Orthanc finds
over QIDO-RS and retrieves back over WADO-RS."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.studies.models import Instance, Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.support.dicomweb import part10
from tests.support.live_api import serving
from tests.support.orthanc import running_orthanc


@pytest.fixture
def live_api(listener: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(listener, database_url)) as base_url:
        yield base_url


def test_a_study_from_orthanc_by_stow_rs_and_c_store_is_one_study(
    live_api: str,
    listener: Settings,
    make_token: Callable[..., str],
    session: Session,
    tmp_path: Path,
) -> None:
    token = make_token(Role.INTEGRATION, name="ORTHANC-WEB")
    config = {
        "DicomWeb": {
            "Enable": True,
            "Servers": {
                "worklist": {
                    "Url": f"{live_api}/dicomweb/",
                    "HttpHeaders": {"Authorization": f"Bearer {token}"},
                }
            },
        },
        "DicomModalities": {"worklist": [listener.ae_title, "127.0.0.1", listener.dicom_port]},
    }
    datasets = list(study_datasets(KNEE_MR))[:6]
    study_uid = datasets[0].StudyInstanceUID

    with running_orthanc(tmp_path / "orthanc", config) as orthanc:
        uploaded = [orthanc.call("POST", "/instances", part10(ds)) for ds in datasets]
        ids = [item["ID"] for item in uploaded]
        orthanc.call("POST", "/modalities/worklist/store", {"Resources": ids[:3]})
        orthanc.call("POST", "/dicom-web/servers/worklist/stow", {"Resources": ids[2:]})
        found = orthanc.call(
            "POST",
            "/dicom-web/servers/worklist/get",
            {"Uri": "/studies", "Arguments": {"StudyInstanceUID": study_uid}},
        )
        orthanc.call("DELETE", f"/studies/{uploaded[0]['ParentStudy']}")
        orthanc.call(
            "POST", "/dicom-web/servers/worklist/retrieve", {"Resources": [{"Study": study_uid}]}
        )
        retrieved = orthanc.call("GET", "/statistics")["CountInstances"]

    assert session.scalar(select(func.count()).select_from(Study)) == 1
    assert session.scalar(select(func.count()).select_from(Instance)) == 6
    assert [item["0020000D"]["Value"][0] for item in found] == [study_uid]
    assert retrieved == 6  # and retrieved back by WADO-RS, after Orthanc deleted its copy
