"""QIDO-RS (PS3.18 §10.6): a search's query parameters read into matches, and the studies,
series and instances found written as DICOM JSON."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from pydicom.datadict import keyword_for_tag

from app.dicomweb.media import MalformedRequest
from app.studies.models import Instance, Series, Study
from app.studies.search import Page, SeriesMatch, StudyMatch

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Parameters that shape the answer rather than match attributes.
CONTROLS = frozenset({"limit", "offset", "includefield", "fuzzymatching"})
# The attributes each level matches on, by keyword.
STUDY_KEYS = frozenset(
    {
        "PatientID",
        "PatientName",
        "AccessionNumber",
        "StudyDate",
        "ModalitiesInStudy",
        "StudyInstanceUID",
    }
)
SERIES_KEYS = frozenset({"Modality", "SeriesInstanceUID", "SeriesNumber"})
INSTANCE_KEYS: frozenset[str] = frozenset()
KEYS_IGNORED = "The following query keys are not supported and were ignored: "
LITERAL_MATCHING_ONLY = (
    "The fuzzymatching parameter is not supported. Only literal matching has been performed."
)

Params = Mapping[str, Sequence[str]]


def page_of(params: Params) -> Page:
    return Page(
        limit=_number(params, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        offset=_number(params, "offset", 0, 2**31),
    )


def study_match(params: Params) -> StudyMatch:
    keys = _keys(params)
    dates = keys.get("StudyDate")
    return StudyMatch(
        patient_id=keys.get("PatientID"),
        patient_name=keys.get("PatientName"),
        accession_number=keys.get("AccessionNumber"),
        study_dates=_date_range(dates) if dates else None,
        modality=keys.get("ModalitiesInStudy"),
        study_uids=_uid_list(keys.get("StudyInstanceUID")),
    )


def series_match(params: Params) -> SeriesMatch:
    keys = _keys(params)
    number = keys.get("SeriesNumber")
    if number is not None and not number.isdigit():
        raise MalformedRequest(f"SeriesNumber {number!r} is not a number")
    return SeriesMatch(
        modality=keys.get("Modality"),
        series_uids=_uid_list(keys.get("SeriesInstanceUID")),
        series_number=int(number) if number is not None else None,
    )


def warnings(params: Params, matched_on: frozenset[str]) -> list[str]:
    """What a search leaves undone, as PS3.18 Warning texts: keys this level does not match on
    (the search runs without them, so the client must be told), and fuzzy matching."""
    said: list[str] = []
    ignored = sorted(set(_keys(params)) - matched_on)
    if ignored:
        said.append(f"{KEYS_IGNORED}{', '.join(_header_safe(name) for name in ignored)}")
    fuzzy = params.get("fuzzymatching", [])
    if fuzzy and fuzzy[-1].lower() == "true":
        said.append(LITERAL_MATCHING_ONLY)
    return said


def _header_safe(name: str) -> str:
    """A key as a quoted header text can hold: ASCII, control characters and quotes escaped."""
    return name.encode("unicode_escape").decode("ascii").replace('"', '\\"')


def study_json(study: Study, base_url: str) -> dict[str, Any]:
    return {
        "00080020": _value("DA", _date(study.study_date)),
        "00080030": _value("TM", _time(study.study_time)),
        "00080050": _value("SH", study.accession_number),
        "00080061": {"vr": "CS", "Value": list(study.modalities)},
        "00080090": _name(study.referring_physician),
        "00081030": _value("LO", study.study_description),
        "00081190": _value("UR", f"{base_url}/studies/{study.study_instance_uid}"),
        "00100010": _name(study.patient_name),
        "00100020": _value("LO", study.patient_id),
        "00100021": _value("LO", study.patient_issuer),
        "00100030": _value("DA", _date(study.patient_birth_date)),
        "00100040": _value("CS", study.patient_sex),
        "0020000D": _value("UI", study.study_instance_uid),
        "00201208": _value("IS", study.instance_count),
    }


def series_json(series: Series, study_uid: str, base_url: str) -> dict[str, Any]:
    url = f"{base_url}/studies/{study_uid}/series/{series.series_instance_uid}"
    return {
        "00080060": _value("CS", series.modality),
        "0008103E": _value("LO", series.series_description),
        "00081190": _value("UR", url),
        "0020000D": _value("UI", study_uid),
        "0020000E": _value("UI", series.series_instance_uid),
        "00200011": _value("IS", series.series_number),
        "00201209": _value("IS", series.instance_count),
    }


def instance_json(
    instance: Instance, study_uid: str, series_uid: str, base_url: str
) -> dict[str, Any]:
    url = (
        f"{base_url}/studies/{study_uid}/series/{series_uid}/instances/{instance.sop_instance_uid}"
    )
    return {
        "00080016": _value("UI", instance.sop_class_uid),
        "00080018": _value("UI", instance.sop_instance_uid),
        "00081190": _value("UR", url),
        "00083002": _value("UI", instance.transfer_syntax_uid),
        "0020000D": _value("UI", study_uid),
        "0020000E": _value("UI", series_uid),
        "00200013": _value("IS", instance.instance_number),
    }


def _keys(params: Params) -> dict[str, str]:
    """Matching keys by keyword, whether sent as a keyword or as a tag (`00100020`)."""
    keys: dict[str, str] = {}
    for name, values in params.items():
        if name.lower() in CONTROLS or not values:
            continue
        keys[_keyword(name)] = values[-1] if len(values) == 1 else ",".join(values)
    return keys


def _keyword(name: str) -> str:
    if len(name) == 8 and all(c in "0123456789abcdefABCDEF" for c in name):
        return keyword_for_tag(int(name, 16)) or name
    return name


def _number(params: Params, name: str, default: int, most: int) -> int:
    values = params.get(name)
    if not values:
        return default
    if not values[-1].isdigit():
        raise MalformedRequest(f"{name} must be a whole number, not {values[-1]!r}")
    return min(int(values[-1]), most)


def _date_range(value: str) -> tuple[date | None, date | None]:
    """`20261201`, `20261201-20261205`, `-20261205` or `20261201-`."""
    earliest, _, latest = value.partition("-")
    if "-" not in value:
        latest = earliest
    try:
        return _parsed_date(earliest), _parsed_date(latest)
    except ValueError:
        problem = f"StudyDate {value!r} is not a date or a range of dates as YYYYMMDD-YYYYMMDD"
        raise MalformedRequest(problem) from None


def _parsed_date(value: str) -> date | None:
    return datetime.strptime(value, "%Y%m%d").date() if value else None


def _uid_list(value: str | None) -> tuple[str, ...]:
    return tuple(uid.strip() for uid in value.split(",") if uid.strip()) if value else ()


def _value(vr: str, value: str | int | None) -> dict[str, Any]:
    return {"vr": vr} if value is None or value == "" else {"vr": vr, "Value": [value]}


def _name(value: str | None) -> dict[str, Any]:
    return {"vr": "PN"} if not value else {"vr": "PN", "Value": [{"Alphabetic": value}]}


def _date(value: date | None) -> str | None:
    return value.strftime("%Y%m%d") if value else None


def _time(value: time | None) -> str | None:
    return value.strftime("%H%M%S") if value else None
