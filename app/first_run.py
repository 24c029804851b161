"""What `worklist up` tells a first-time user, and the admin token and account it creates."""

import os
import sys
from pathlib import Path

from sqlalchemy import exists, select

from app.auth.accounts import create_user
from app.auth.models import ApiToken, User
from app.auth.service import COMMAND_LINE, issue_token
from app.db.session import session_scope
from app.settings import Settings
from app.vocabulary import Role

FIRST_ADMIN_NAME = "admin"


def ensure_first_admin_token(database_url: str) -> str | None:
    """Create an admin token when none exists yet; return it (shown once) or None."""
    with session_scope(database_url) as session:
        has_admin = session.scalar(
            select(exists().where(ApiToken.role == Role.ADMIN.value, ApiToken.revoked_at.is_(None)))
        )
        if has_admin:
            return None
        return issue_token(session, name="first admin", role=Role.ADMIN).secret


def ensure_first_admin_account(database_url: str) -> str | None:
    """Create the `admin` sign-in account when nobody can sign in yet; return its link path."""
    with session_scope(database_url) as session:
        if session.scalar(select(exists().where(User.role == Role.ADMIN.value))):
            return None
        issued = create_user(session, COMMAND_LINE, name=FIRST_ADMIN_NAME, role=Role.ADMIN)
        return issued.path


def announce(settings: Settings, admin_token: str | None, admin_link: str | None = None) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    dicom = f"AE title {settings.ae_title} on {settings.dicom_host}:{settings.dicom_port}"
    lines = [
        "Reading Worklist is starting.",
        f"  Reading room:   {settings.pages_url}/",
        f"  API docs:       {api}/docs   (ready when {api}/readyz answers)",
        f"  DICOM listener: {dicom}",
        f"  Data folder:    {settings.home.resolve()}",
    ]
    if admin_token and sys.stdout.isatty():
        lines += [
            "  First admin token (shown only this once; keep it safe):",
            f"    {admin_token}",
        ]
    elif admin_token:
        # Output that is not a terminal ends up in log files and journals: keep the token out.
        saved = save_for_owner(settings.home / "first-admin-token", admin_token)
        lines.append(f"  First admin token: in {saved} (readable by you alone)")
    if admin_link and sys.stdout.isatty():
        lines += [
            f"  Sign in to the pages as {FIRST_ADMIN_NAME!r}: set a password within 24 hours at",
            f"    {settings.pages_url}{admin_link}",
        ]
    elif admin_link:
        saved = save_for_owner(settings.home / "first-admin-link", settings.pages_url + admin_link)
        lines.append(
            f"  Sign in to the pages as {FIRST_ADMIN_NAME!r}: the link to set a password within"
            f" 24 hours is in {saved} (readable by you alone)"
        )
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)  # noqa: T201 - this is the command's own output


def save_for_owner(path: Path, secret: str) -> Path:
    """Write the secret to a file only its owner may read (mode 0600) and return its path."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_CREAT: set it again
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return path
