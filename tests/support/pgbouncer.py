"""Debian's PgBouncer on a loopback port in front of a test Postgres, in transaction mode."""

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url

from tests.support.network import free_port, wait_for_port

PGBOUNCER = "/usr/sbin/pgbouncer"


def pgbouncer_tool() -> str:
    """The pgbouncer binary; a skip where it is missing, a failure under CI=true."""
    found = shutil.which("pgbouncer") or (PGBOUNCER if Path(PGBOUNCER).is_file() else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("pgbouncer is missing: apt-get install -y pgbouncer")
    pytest.skip("pgbouncer is not installed (apt-get install -y pgbouncer)")


@contextmanager
def pgbouncer(database_url: str, pool_mode: str = "transaction") -> Iterator[str]:
    """PgBouncer in `pool_mode` in front of `database_url`'s server; yields the URL through it.

    It refuses to run as root, so as root it runs as the user that owns the embedded cluster's
    socket folder (its own folder is made readable for that user)."""
    tool = pgbouncer_tool()
    server = make_url(database_url)
    socket_dir = str(server.query.get("host") or server.host)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    (workdir / "users.txt").write_text(f'"{server.username}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        _configuration(workdir, server, socket_dir, port, pool_mode)
    )
    command = [tool, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        owner = Path(socket_dir).stat().st_uid
        os.chown(workdir, owner, -1)
        command[1:1] = ["-u", pwd.getpwuid(owner).pw_name]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, timeout=30)
        yield server.set(host="127.0.0.1", port=port, query={}).render_as_string(
            hide_password=False
        )
    finally:
        process.terminate()
        process.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)


def _configuration(workdir: Path, server: URL, socket_dir: str, port: int, pool_mode: str) -> str:
    database, user = server.database, server.username
    return f"""[databases]
{database} = host={socket_dir} port={server.port or 5432} dbname={database} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / "users.txt"}
pool_mode = {pool_mode}
max_client_conn = 400
default_pool_size = 4
logfile = {workdir / "pgbouncer.log"}
pidfile = {workdir / "pgbouncer.pid"}
ignore_startup_parameters = extra_float_digits,options
"""
