"""An independent DICOMweb client, `dicomweb-client` (its library and its command line), stores,
searches and retrieves studies on our server."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dicomweb_client.api import DICOMwebClient
from pydicom import dcmread
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.studies.models import Instance, Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.support.live_api import serving


@pytest.fixture
def live_api(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as base_url:
        yield base_url


def test_dicomweb_client_stores_a_study(
    live_api: str, make_token: Callable[..., str], session: Session
) -> None:
    token = make_token(Role.INTEGRATION, name="OUTSIDE-VIEWER")
    client = DICOMwebClient(f"{live_api}/dicomweb", headers={"Authorization": f"Bearer {token}"})
    datasets = list(study_datasets(KNEE_MR))[:5]

    answer = client.store_instances(datasets)

    stored = [item.ReferencedSOPInstanceUID for item in answer.ReferencedSOPSequence]
    assert stored == [ds.SOPInstanceUID for ds in datasets]
    assert "FailedSOPSequence" not in answer
    assert session.scalar(select(func.count()).select_from(Instance)) == 5
    assert session.scalars(select(Study)).one().source_ae_title == "OUTSIDE-VIEWER"


def test_dicomweb_client_searches_and_retrieves_what_it_stored(
    live_api: str, make_token: Callable[..., str]
) -> None:
    token = make_token(Role.INTEGRATION, name="OUTSIDE-VIEWER")
    client = DICOMwebClient(f"{live_api}/dicomweb", headers={"Authorization": f"Bearer {token}"})
    datasets = list(study_datasets(KNEE_MR, PatientName="JONES^MARY"))[:3]
    study, series = datasets[0].StudyInstanceUID, datasets[0].SeriesInstanceUID
    client.store_instances(datasets)

    studies = client.search_for_studies(search_filters={"PatientName": "JONES*"})
    found_series = client.search_for_series(study)
    instances = client.search_for_instances(study, series)
    retrieved = client.retrieve_series(study, series)
    header = client.retrieve_instance_metadata(study, series, datasets[1].SOPInstanceUID)

    assert [item["0020000D"]["Value"][0] for item in studies] == [study]
    assert [item["0020000E"]["Value"][0] for item in found_series] == [series]
    assert len(instances) == 3
    assert sorted(ds.SOPInstanceUID for ds in retrieved) == sorted(
        ds.SOPInstanceUID for ds in datasets
    )
    assert retrieved[0].PixelData == datasets[0].PixelData
    assert header["00080018"]["Value"] == [datasets[1].SOPInstanceUID]


def _command_line(live_api: str, token: str, *arguments: str) -> str:
    program = Path(sys.executable).parent / "dicomweb_client"
    command = [str(program), "--url", f"{live_api}/dicomweb", "--bearer-token", token, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dicomweb_client_command_line_stores_searches_and_retrieves(
    live_api: str, make_token: Callable[..., str], tmp_path: Path
) -> None:
    token = make_token(Role.INTEGRATION, name="OUTSIDE-CLI")
    datasets = list(study_datasets(KNEE_MR, PatientID="CLI-0001"))[:2]
    files = write_datasets(iter(datasets), tmp_path / "send")
    study, series = datasets[0].StudyInstanceUID, datasets[0].SeriesInstanceUID
    sop = datasets[1].SOPInstanceUID
    saved = tmp_path / "retrieved"
    saved.mkdir()

    _command_line(live_api, token, "store", "instances", *map(str, files))
    found = _command_line(live_api, token, "search", "studies", "--filter", "PatientID=CLI-0001")
    _command_line(
        live_api,
        token,
        "retrieve",
        "instances",
        "--study",
        study,
        "--series",
        series,
        "--instance",
        sop,
        "full",
        "--save",
        "--output-dir",
        str(saved),
    )

    assert study in found
    (retrieved,) = saved.iterdir()
    assert dcmread(retrieved).SOPInstanceUID == sop


def test_frames_of_an_uncompressed_instance_are_retrieved_as_stored(
    live_api: str, make_token: Callable[..., str]
) -> None:
    token = make_token(Role.INTEGRATION, name="OUTSIDE-VIEWER")
    client = DICOMwebClient(f"{live_api}/dicomweb", headers={"Authorization": f"Bearer {token}"})
    (dataset,) = list(study_datasets(KNEE_MR))[:1]
    client.store_instances([dataset])

    (frame,) = client.retrieve_instance_frames(
        dataset.StudyInstanceUID,
        dataset.SeriesInstanceUID,
        dataset.SOPInstanceUID,
        frame_numbers=[1],
        media_types=("application/octet-stream",),
    )

    assert frame == dataset.PixelData
