"""`/admin/dashboard`: the same turnaround and concordance figures as the JSON endpoints for the
same period, readers by name, and the over-reads needing review linked."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.studies.models import Instance
from app.vocabulary import Role, TaskKind, TaskState
from tests.support.factories import make_radiologist, make_series, make_study, make_task
from tests.support.web import make_account, sign_in


def _finished(session: Session, reader_id: int, priority: str, minutes: int) -> int:
    now = datetime.now(UTC)
    study = make_study(session, stable_at=now - timedelta(minutes=minutes, days=1))
    return make_task(
        session, study, state=TaskState.FINAL.value, priority=priority, assignee_id=reader_id,
        finalized_at=now - timedelta(days=1),
    ).id  # fmt: skip


def _row(html: str, table: str, label: str) -> list[str]:
    body = html.split(f'aria-label="{table}"')[-1].split("</table>", 1)[0]
    row = body.split(f"<tr><td>{label}</td>", 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", row)


def test_turnaround_and_concordance_equal_the_json_for_the_same_period(
    client: TestClient, session: Session, database_url: str, admin_headers: dict[str, str]
) -> None:
    reader = make_radiologist(session, ("NEURO",), name="Dr Quick")
    for minutes in (30, 60, 600):
        primary = _finished(session, reader.id, "URGENT", minutes)
    make_task(session, kind=TaskKind.SECOND_OPINION.value, primary_task_id=primary, radpeer="3a",
              state=TaskState.FINAL.value, finalized_at=datetime.now(UTC))  # fmt: skip
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    html = client.get("/admin/dashboard?days=7").text
    speed = client.get("/api/v1/metrics/turnaround?days=7", headers=admin_headers).json()
    (urgent,) = speed["by_priority"]
    expected = [str(urgent[key]) for key in ("finalized", "median_minutes", "p90_minutes")]
    assert _row(html, "Turnaround by priority", "URGENT")[:3] == expected
    (by_reader,) = speed["by_reader"]
    assert _row(html, "Turnaround by reader", "Dr Quick")[1] == str(by_reader["median_minutes"])
    assert f"URGENT: median {urgent['median_minutes']} min" in html
    quality = client.get("/api/v1/metrics/concordance?days=7", headers=admin_headers).json()
    (pool,) = quality["by_subspecialty"]
    assert _row(html, "Concordance by pool", "NEURO")[0] == str(pool["total"])
    assert f'<a href="/tasks/{primary}">Task {primary}</a>' in html


def _instances_received(session: Session, minutes_ago: list[int]) -> None:
    study = make_study(session)
    series = make_series(session, study)
    now = datetime.now(UTC)
    for number, minutes in enumerate(minutes_ago):
        session.add(Instance(
            study_id=study.id, series_id=series.id,
            sop_instance_uid=f"{series.series_instance_uid}.{number}",
            sop_class_uid="1.2.840.10008.5.1.4.1.1.4", transfer_syntax_uid="1.2.840.10008.1.2.1",
            storage_path=f"{number}.dcm", size_bytes=1,
            received_at=now - timedelta(minutes=minutes),
        ))  # fmt: skip


def _association_refused(session: Session, failures: dict[str, int]) -> None:
    session.add(AuditEvent(
        actor="ae:MODALITY", action="DICOMInstancesTransferred", object_type="association",
        outcome="MINOR_FAILURE", details={"failed": sum(failures.values()), "failures": failures},
    ))  # fmt: skip


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])  # Kolkata's hours start at :30 UTC
def test_ingest_figures_equal_the_json_over_the_last_day(
    client: TestClient,
    session: Session,
    database_url: str,
    admin_headers: dict[str, str],
    zone: str,
) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"timezone": zone}
    )
    _instances_received(session, [5, 5, 5, 70, 71, 2000])  # the last one is older than a day
    _association_refused(session, {"0xA700": 2, "0xC000": 1})
    _association_refused(session, {"0xC000": 3})
    make_study(session, stable_at=None)  # still receiving
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    html = client.get("/admin/dashboard").text
    ingest = client.get("/api/v1/metrics/ingest", headers=admin_headers).json()

    assert ingest["instances"] == 5
    assert ingest["failures_by_status"] == {"0xA700": 2, "0xC000": 4}
    assert ingest["waiting_for_stability"] >= 1
    assert f"<strong>{ingest['instances']}</strong> instances received" in html
    assert f"<strong>{ingest['waiting_for_stability']}</strong> studies waiting" in html
    for status, count in ingest["failures_by_status"].items():
        assert _row(html, "Instances refused by status", status) == [str(count)]
    assert f'<th scope="col">Hour ({zone})</th>' in html
    for hour in ingest["per_hour"]:
        start = datetime.fromisoformat(hour["hour"])
        assert start.utcoffset() == ZoneInfo(zone).utcoffset(start.replace(tzinfo=None))
        assert (start.minute, start.second) == (0, 0)
        label = start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
        expected = [str(hour["instances"]), str(hour["busiest_minute"])]
        assert _row(html, "Instances received by hour", label) == expected
    assert html.count('<rect class="count"') == len(ingest["per_minute"])
