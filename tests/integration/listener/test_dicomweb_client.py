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
