"""The store response of PS3.18 §10.5.3: which instances were stored, which failed and why."""

from typing import Any

from app.dicomweb.stow import StoreOutcome
from dicom_listener.outcomes import Filing

SUCCESS = 0x0000


def response_status(outcome: StoreOutcome) -> int:
    """200 when every instance was stored, 202 when some failed, 409 when all did."""
    if outcome.stored == len(outcome.filings):
        return 200
    return 202 if outcome.stored else 409


def store_response(outcome: StoreOutcome, base_url: str) -> dict[str, Any]:
    """The response data set in DICOM JSON (PS3.18 §F.2)."""
    referenced = [
        _referenced(filing, base_url) for filing in outcome.filings if filing.status.code == SUCCESS
    ]
    failed = [_failed(filing) for filing in outcome.filings if filing.status.code != SUCCESS]
    body: dict[str, Any] = {}
    studies = {
        filing.identified.study_instance_uid
        for filing in outcome.filings
        if filing.identified is not None and filing.status.code == SUCCESS
    }
    if len(studies) == 1:
        body["00081190"] = _element("UR", f"{base_url}/studies/{studies.pop()}")
    if failed:
        body["00081198"] = {"vr": "SQ", "Value": failed}
    if referenced:
        body["00081199"] = {"vr": "SQ", "Value": referenced}
    return body


def _referenced(filing: Filing, base_url: str) -> dict[str, Any]:
    identified = filing.identified
    assert identified is not None  # stored, so identified
    instance = identified.instance
    url = (
        f"{base_url}/studies/{identified.study_instance_uid}"
        f"/series/{identified.series_instance_uid}/instances/{instance.sop_instance_uid}"
    )
    return {
        "00081150": _element("UI", instance.sop_class_uid),
        "00081155": _element("UI", instance.sop_instance_uid),
        "00081190": _element("UR", url),
    }


def _failed(filing: Filing) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if filing.identified is not None:
        instance = filing.identified.instance
        item["00081150"] = _element("UI", instance.sop_class_uid)
        item["00081155"] = _element("UI", instance.sop_instance_uid)
    item["00081197"] = _element("US", filing.status.code)
    return item


def _element(vr: str, value: str | int) -> dict[str, Any]:
    return {"vr": vr, "Value": [value]}
