"""`kg serve` under hostile clients: bounded memory, slow and oversized heads, IPv6 loopback, update errors,
and nothing left running or on disk after kill -9."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.support.servers import KG

GRAPH_NT = str(ROOT / "exports" / "graph.nt")
HEAVY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [KG, "serve", "--port", "0", "--rdf", GRAPH_NT, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = process.stdout.readline()
    found = re.search(r"(http://\S+)/sparql", line)
    assert found, line
    return process, found.group(1)


@pytest.fixture(scope="module")
def server():
    process, url = start("--timeout", "20", "--memory-limit", "400", "--allow-updates")
    yield process, url
    process.terminate()
    process.wait(15)


def test_a_query_past_the_memory_limit_gets_503_and_the_next_is_answered(server):
    _, url = server
    reply = httpx.get(f"{url}/sparql", params={"query": HEAVY}, timeout=60)
    assert reply.status_code == 503 and "memory limit of 400 MB" in reply.text
    assert httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).status_code == 200


def test_a_head_that_never_ends_is_closed(server):
    _, url = server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /sparql?query=ASK")
        sock.settimeout(15)
        started = time.monotonic()
        assert sock.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < 12


def test_a_uri_too_long_is_414(server):
    _, url = server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(15)
        try:
            sock.sendall(b"GET /sparql?query=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        except OSError:
            pass  # the server may close before all of it is sent: its answer is already waiting
        assert sock.recv(100).startswith(b"HTTP/1.1 414")


def test_create_graph_of_an_existing_graph_is_400(server):
    _, url = server
    update = {"update": "CREATE GRAPH <urn:kg:test>"}
    assert httpx.post(f"{url}/sparql", data=update, timeout=30).status_code == 204
    again = httpx.post(f"{url}/sparql", data=update, timeout=30)
    assert again.status_code == 400 and again.text.strip()


def test_ipv6_loopback_serves_its_own_clients():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    process, url = start("--host", "::1")
    try:
        assert url.startswith("http://[::1]:")
        assert httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).status_code == 200
    finally:
        process.terminate()
        process.wait(15)


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_nothing_survives_kill_9_of_the_server_and_its_store_is_removed_at_the_next_start():
    process, url = start("--timeout", "60")
    stores = set(Path(tempfile.gettempdir()).glob(f"kg-serve-{process.pid}-*"))
    assert stores
    helpers = _descendants(process.pid)
    assert helpers  # the fork server and the workers
    # keep a worker busy, then kill the server outright
    try:
        httpx.get(f"{url}/sparql", params={"query": HEAVY}, timeout=1)
    except httpx.TimeoutException:
        pass
    os.kill(process.pid, signal.SIGKILL)
    process.wait(5)
    deadline = time.monotonic() + 8
    alive = helpers
    while time.monotonic() < deadline:
        alive = {pid for pid in helpers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}
        if not alive:
            break
        time.sleep(0.2)
    assert not alive, "helpers of a killed server still run"
    second, _ = start()
    try:
        assert not any(store.exists() for store in stores)
    finally:
        second.terminate()
        second.wait(15)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_uri_too_long_after_a_request_with_a_body_on_the_same_connection_is_414(server):
    _, url = server
    port = int(url.rsplit(":", 1)[1])
    form = b"query=ASK%20%7B%7D"
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(15)
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(form)}\r\n\r\n".encode()
            + form
        )
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
        try:
            sock.sendall(b"GET /sparql?query=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        except OSError:
            pass
        assert sock.recv(100).startswith(b"HTTP/1.1 414")


def test_headers_too_long_are_431(server):
    _, url = server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(15)
        filler = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 1000) for i in range(100))
        try:
            sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: 127.0.0.1\r\n" + filler + b"\r\n")
        except OSError:
            pass
        assert sock.recv(100).startswith(b"HTTP/1.1 431")
