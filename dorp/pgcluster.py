"""A private, throw-away PostgreSQL cluster for tests and benchmarks (Debian's postgresql,
`/usr/lib/postgresql/<version>/bin`). PostgreSQL refuses to run as root, so as root the
cluster runs as the `postgres` system user (STACK-NOTES.md). It listens on 127.0.0.1 on a
free port, trusts local connections, keeps no data safe (fsync off) and is removed by
`stop()`.

`Server` also wraps a server named by a URL (`DORP_TEST_PG`): it then only creates and drops
databases on it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL server on which databases can be created and dropped."""

    def __init__(self, admin_url: str, cluster_dir: Path | None = None, user: str | None = None):
        self.admin_url = admin_url
        self.cluster_dir, self.user = cluster_dir, user

    def url(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def _admin(self):
        import psycopg
        return psycopg.connect(self.admin_url, autocommit=True)

    def create_db(self, name: str | None = None, template: str | None = None) -> str:
        name = name or "dorp_" + uuid.uuid4().hex[:12]
        with self._admin() as c:
            tmpl = f" TEMPLATE {template}" if template else " TEMPLATE template0"
            c.execute(f"CREATE DATABASE {name}{tmpl} ENCODING 'UTF8'"
                      f" LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        return self.url(name)

    def drop_db(self, name_or_url: str) -> None:
        name = urlsplit(name_or_url).path.lstrip("/") if "://" in name_or_url else name_or_url
        with self._admin() as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.cluster_dir is None:
            return
        pg_ctl = bin_dir() / "pg_ctl"
        _run_as(self.user, [str(pg_ctl), "-D", str(self.cluster_dir / "data"), "-m", "immediate",
                            "-w", "stop"], check=False)
        shutil.rmtree(self.cluster_dir, ignore_errors=True)
        self.cluster_dir = None


def _run_as(user: str | None, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if user:
        cmd = ["su", user, "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)


def start(max_connections: int = 300) -> Server:
    """Start a private cluster (about 3 s). Raises RuntimeError when PostgreSQL is missing."""
    bins = bin_dir()
    if bins is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql; "
                           "`make test` does that itself).")
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="dorp-pg-"))
    os.chmod(base, 0o755)
    if user:
        pw = pwd.getpwnam(user)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    _run_as(user, [str(bins / "initdb"), "-D", str(base / "data"), "-A", "trust", "-U",
                   "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
    opts = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off "
            f"-c max_connections={max_connections}")
    r = _run_as(user, [str(bins / "pg_ctl"), "-D", str(base / "data"), "-l",
                       str(base / "log"), "-w", "-o", opts, "start"], check=False)
    if r.returncode != 0:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {r.stderr}{log}")
    return Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", base, user)


def server() -> Server:
    """$DORP_TEST_PG (a URL of a role that may create databases), else a private cluster."""
    url = os.environ.get("DORP_TEST_PG")
    return Server(url) if url else start()
