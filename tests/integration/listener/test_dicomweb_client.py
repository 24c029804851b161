"""An independent DICOMweb client, `dicomweb-client`, stores studies on our server."""

from collections.abc import Callable, Iterator

import pytest
from dicomweb_client.api import DICOMwebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.studies.models import Instance, Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
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
