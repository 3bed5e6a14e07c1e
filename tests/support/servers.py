"""Real servers for the tests, as subprocesses on loopback ports: ``kg serve`` and Oxigraph's own server.

Every start waits for readiness with a bound, and every server is stopped when its ``with`` block
ends (terminate, then kill), whatever the test did.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
KG = shutil.which("kg", path=str(BIN)) or "kg"
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or "oxigraph"
START_TIMEOUT = 90.0  # seconds; generous for a loaded CI machine, never reached when things work


def free_port() -> int:
    """A loopback port that is free now (for servers that cannot be told to pick one themselves)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Ask the process to stop, and kill it if it has not within 15 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


@contextlib.contextmanager
def kg_serve(*args: str, log: Path | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``kg serve --port 0 ARGS`` and yield its base URL (``http://127.0.0.1:PORT``) once it is ready."""
    stderr = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [KG, "serve", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"kg serve did not announce itself within {START_TIMEOUT} s") from None
            if line is None:
                detail = log.read_text(errors="replace")[-2000:] if log else ""
                raise RuntimeError(f"kg serve exited with {process.wait()}: {detail}")
            found = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
            if found:
                break
        yield found.group(1)
    finally:
        stop(process)
        if log:
            stderr.close()


@contextlib.contextmanager
def oxigraph_serve(location: Path, read_only: bool = False) -> Iterator[str]:
    """Run the real Oxigraph server on ``location`` and yield its base URL once it accepts connections."""
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [OXIGRAPH, command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts(port):
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph {command} exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph {command} did not listen within {START_TIMEOUT} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def listener() -> Iterator[tuple[int, callable]]:
    """A listening loopback socket that nobody should connect to; yields its port and ``connections()``,
    which waits half a second and says how many connections arrived."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)

    def connections() -> int:
        import select

        count = 0
        deadline = time.monotonic() + 0.5
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([sock], [], [], left)
            if not readable:
                break
            with contextlib.suppress(BlockingIOError):
                connection, _ = sock.accept()
                connection.close()
                count += 1
        return count

    try:
        yield sock.getsockname()[1], connections
    finally:
        sock.close()


VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_ISQL = shutil.which("isql-vt")
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "kg", "kg-test-password"

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 400
"""


@contextlib.contextmanager
def virtuoso_serve(folder: Path) -> Iterator[str]:
    """Run Debian's Virtuoso 7 on loopback ports with its own database and ini in ``folder``; yield its base URL.

    A user ``kg`` (password ``kg-test-password``) may write through the Graph Store protocol at
    ``/sparql-graph-crud-auth`` (Digest) and SPARQL update; ``/sparql`` answers queries anonymously.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    log = open(folder / "stdout.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [VIRTUOSO or "virtuoso-t", "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts(http_port):
            if process.poll() is not None:
                detail = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {detail}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not listen within {START_TIMEOUT} s")
            time.sleep(0.2)
        statements = (
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); "
            f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}"; '
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{VIRTUOSO_USER}', 7);"
        )
        subprocess.run(
            [VIRTUOSO_ISQL or "isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        yield f"http://127.0.0.1:{http_port}"
    finally:
        stop(process)
        log.close()
