"""The `worklist` command: run the services, migrate the database, issue tokens."""

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.classification_commands import classify_series_command, route_question_command
from app.cli_setup import prepare, require_schema_at_head
from app.settings import Settings, get_settings
from app.vocabulary import Role

if TYPE_CHECKING:
    from fastapi import FastAPI

    from dicom_listener.sender import Destination

cli = typer.Typer(help="Reading worklist service.", no_args_is_help=True, add_completion=False)
token_cli = typer.Typer(help="API tokens.", no_args_is_help=True)
cli.add_typer(token_cli, name="token")
user_cli = typer.Typer(help="People who sign in to the pages.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")

logger = logging.getLogger(__name__)


@cli.command()
def up() -> None:
    """Start everything: Postgres (embedded unless DATABASE_URL), migrations, API, listeners."""
    from app.first_run import announce, ensure_first_admin_account, ensure_first_admin_token
    from app.supervisor import run_services

    every_part = ("api", "listener", "worker", "hl7", "supervisor")
    settings, database_url = prepare(listens_for=every_part, create=True, migrate=True)
    admin_token = ensure_first_admin_token(database_url)
    admin_link = ensure_first_admin_account(database_url) if admin_token else None
    announce(settings, admin_token, admin_link)
    raise typer.Exit(run_services(settings, database_url))


@cli.command()
def api(
    processes: Annotated[
        int | None,
        typer.Option(help="Processes sharing the port [default: WORKLIST_API_PROCESSES]."),
    ] = None,
) -> None:
    """Run the HTTP API alone."""
    from app.api.main import create_app
    from app.api.workers import worker_environment
    from app.startup import freeze_startup_objects

    settings, database_url = prepare(listens_for=("api",))
    count = processes or settings.api_processes
    if count == 1:
        sys.setswitchinterval(settings.api_switch_interval)
        app = create_app(settings, database_url)
        freeze_startup_objects()
        _serve_api(settings, app)
        return
    with worker_environment(database_url):
        _serve_api(settings, "app.api.main:app_in_worker_process", workers=count)


def _serve_api(settings: Settings, app: "FastAPI | str", workers: int | None = None) -> None:
    """uvicorn on the API address; with `workers`, `app` names a factory each worker calls."""
    import uvicorn

    # Event streams never end by themselves: give them a few seconds on shutdown, then close.
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
        factory=workers is not None,
        workers=workers,
    )


@cli.command()
def listener(
    processes: Annotated[
        int | None,
        typer.Option(
            help="Acceptor processes sharing the port [default: WORKLIST_LISTENER_PROCESSES]."
        ),
    ] = None,
) -> None:
    """Run the DICOM listener alone."""
    from dicom_listener.server import serve

    settings, database_url = prepare(listens_for=("listener",))
    if processes:
        settings = settings.model_copy(update={"listener_processes": processes})
    serve(settings, database_url)


@cli.command()
def hl7() -> None:
    """Run the HL7 v2 MLLP listener alone (orders in)."""
    from hl7_listener.server import serve

    settings, database_url = prepare(listens_for=("hl7",))
    serve(settings, database_url)


@cli.command()
def send(
    paths: Annotated[list[Path], typer.Argument(help="DICOM files or folders (walked).")],
    host: Annotated[str, typer.Option(help="Destination host.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Destination port [default: ours].")] = None,
    aet: Annotated[str | None, typer.Option(help="Called AE title [default: ours].")] = None,
    calling_aet: Annotated[str, typer.Option(help="Our AE title as the sender.")] = "WORKLIST-SCU",
) -> None:
    """Send DICOM files to a C-STORE destination (our listener by default) and count statuses."""
    from dicom_listener.sender import Destination, dicom_files

    settings = get_settings()
    destination = Destination(
        host, port or settings.dicom_port, aet or settings.ae_title, calling_aet
    )
    raise typer.Exit(_send_with_progress(list(dicom_files(paths)), destination))


@cli.command()
def demo(
    host: Annotated[str, typer.Option(help="Destination host.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Destination port [default: ours].")] = None,
    aet: Annotated[str | None, typer.Option(help="Called AE title [default: ours].")] = None,
) -> None:
    """Generate sample studies (cervical spine MR, knee MR, head CT) and send them."""
    import tempfile

    from dicom_listener.samples import DEMO_STUDIES, study_datasets, write_datasets
    from dicom_listener.sender import Destination

    settings = get_settings()
    destination = Destination(host, port or settings.dicom_port, aet or settings.ae_title, "DEMO")
    with tempfile.TemporaryDirectory(prefix="worklist-demo-") as folder:
        files = [
            path
            for spec in DEMO_STUDIES
            for path in write_datasets(study_datasets(spec), Path(folder) / spec.body_part)
        ]
        typer.echo(f"generated {len(DEMO_STUDIES)} studies, {len(files)} instances")
        status = _send_with_progress(files, destination)
    for line in _what_happens_next(settings):
        typer.echo(line)
    raise typer.Exit(status)


def _what_happens_next(settings: Settings) -> list[str]:
    """When the sent studies are routed, and whether anyone is on duty to be given them."""
    from app.db.session import session_scope
    from app.db.url import NoDatabase, resolve_database_url
    from app.people.service import on_duty_now

    wait = settings.stable_after + settings.stability_sweep_interval
    lines = [
        f"the studies are routed once quiet for WORKLIST_STABLE_AFTER={settings.stable_after:g} s,"
        f" within about {wait:g} s of the last instance"
    ]
    try:
        database_url = resolve_database_url(settings, create=False)
    except NoDatabase:
        return lines  # sent to a listener elsewhere: its database is not ours to read
    with session_scope(database_url) as session:
        readers = on_duty_now(session, datetime.now(settings.zone))
    if not readers:
        lines.append(
            "nobody is on duty: routed tasks wait in their pool until a radiologist is "
            '(PATCH /api/v1/radiologists/{id} with {"on_duty": true}, or a shift window)'
        )
    return lines


def _send_with_progress(files: list[Path], destination: "Destination") -> int:
    """Send with a progress bar, print the status summary; exit code 1 unless all succeeded."""
    from dicom_listener.sender import send_files

    where = f"{destination.called_ae}@{destination.host}:{destination.port}"
    typer.echo(f"sending {len(files)} files to {where}")
    with typer.progressbar(length=len(files), label="C-STORE", file=sys.stderr) as bar:
        statuses = send_files(files, destination, on_sent=lambda path, status: bar.update(1))
    for status, count in sorted(statuses.items()):
        label = "success" if status == "0x0000" else status
        typer.echo(f"{count:6d}  {label}")
    return 0 if set(statuses) <= {"0x0000"} and files else 1


@cli.command()
def worker() -> None:
    """Run the background jobs (safe to run several replicas)."""
    from prometheus_client import REGISTRY, start_http_server

    from app.jobs.metrics import WaitingWorkCollector
    from app.jobs.registry import all_jobs
    from app.jobs.runner import run_forever
    from app.stop_signals import block_stop_signals, stop_requested

    settings, database_url = prepare(listens_for=("worker",))
    block_stop_signals()
    if settings.worker_metrics_port:
        REGISTRY.register(WaitingWorkCollector(database_url))
        start_http_server(settings.worker_metrics_port, addr=settings.api_host)
    logger.info("worker ready")
    run_forever(all_jobs(settings), database_url, settings, stop_requested)
    logger.info("worker stopped")


@cli.command()
def migrate() -> None:
    """Apply every pending database migration; say where the schema is and whether any ran."""
    from app.db.migrations import upgrade_to_head

    _, database_url = prepare(create=True)
    typer.echo(upgrade_to_head(database_url).summary())


@token_cli.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="What the token may do.")],
    name: Annotated[str, typer.Option(help="Who or what holds the token.")],
    radiologist_id: Annotated[
        int | None, typer.Option(help="The radiologist record a radiologist token acts for.")
    ] = None,
    expires_in: Annotated[
        str | None, typer.Option(help="Lifetime such as 90d, 12h or 30m; none means no expiry.")
    ] = None,
) -> None:
    """Create an API token; the token itself is printed once, alone on the last line."""
    from datetime import UTC, datetime

    from app.auth.errors import UnknownRadiologist
    from app.auth.lifetimes import parse_lifetime
    from app.auth.service import issue_token
    from app.db.session import session_scope

    try:
        expires_at = datetime.now(UTC) + parse_lifetime(expires_in) if expires_in else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--expires-in") from error
    _, database_url = prepare(quiet=True)
    require_schema_at_head(database_url)
    try:
        with session_scope(database_url) as session:
            issued = issue_token(
                session,
                name=name,
                role=role,
                radiologist_id=radiologist_id,
                expires_at=expires_at,
            )
    except UnknownRadiologist as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"created {role.value} token {issued.id} for {name!r}; it is shown only once:")
    typer.echo(issued.secret)


@user_cli.command("create")
def user_create(
    name: Annotated[str, typer.Option(help="The name the person signs in with.")],
    role: Annotated[Role, typer.Option(help="admin or radiologist.")],
    radiologist_id: Annotated[
        int | None, typer.Option(help="The radiologist record a radiologist reads as.")
    ] = None,
) -> None:
    """Create a sign-in account; prints a one-time link to set its password (valid 24 h)."""
    from app.auth import accounts
    from app.auth.service import COMMAND_LINE
    from app.db.session import session_scope
    from app.errors import DomainError

    settings, database_url = prepare(quiet=True)
    require_schema_at_head(database_url)
    try:
        with session_scope(database_url) as session:
            issued = accounts.create_user(
                session, COMMAND_LINE, name=name, role=role, radiologist_id=radiologist_id
            )
            user_id = issued.user.id
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"created {role.value} account {user_id} for {name!r}; set its password within")
    typer.echo("24 hours at this one-time link:")
    typer.echo(settings.pages_url + issued.path)


@cli.command("export-labels")
def export_labels(
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only corrections made on or after this date."),
    ] = None,
) -> None:
    """Print corrected series and studies as labelled JSON lines for `bench.classify`."""
    import json

    from app.db.session import session_scope
    from app.label_export import corrected_labels

    _, database_url = prepare(quiet=True)
    require_schema_at_head(database_url)
    with session_scope(database_url) as session:
        for line in corrected_labels(session, since.date() if since else None):
            typer.echo(json.dumps(line, default=str))


cli.command("classify-series")(classify_series_command)
cli.command("route-question")(route_question_command)


def main() -> None:
    cli(prog_name="worklist")
    sys.exit(0)
