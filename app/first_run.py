"""What `worklist up` tells a first-time user, and the admin token it creates for them."""

import os
import sys
from pathlib import Path

from sqlalchemy import exists, select

from app.auth.models import ApiToken
from app.auth.service import issue_token
from app.db.session import session_scope
from app.settings import Settings
from app.vocabulary import Role


def ensure_first_admin_token(database_url: str) -> str | None:
    """Create an admin token when none exists yet; return it (shown once) or None."""
    with session_scope(database_url) as session:
        has_admin = session.scalar(
            select(exists().where(ApiToken.role == Role.ADMIN.value, ApiToken.revoked_at.is_(None)))
        )
        if has_admin:
            return None
        return issue_token(session, name="first admin", role=Role.ADMIN).secret


def announce(settings: Settings, admin_token: str | None) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    dicom = f"AE title {settings.ae_title} on {settings.dicom_host}:{settings.dicom_port}"
    lines = [
        "Reading Worklist is starting.",
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
        saved = save_first_admin_token(settings.home, admin_token)
        lines.append(f"  First admin token: in {saved} (readable by you alone)")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)  # noqa: T201 - this is the command's own output


def save_first_admin_token(home: Path, admin_token: str) -> Path:
    """Write the token to a file only its owner may read (mode 0600) and return its path."""
    path = home / "first-admin-token"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_CREAT: set it again
    with os.fdopen(descriptor, "w") as file:
        file.write(admin_token + "\n")
    return path
