"""`kg serve` under load from outside, on loopback: 2,000 half-open connections, and a soak of mixed
queries that must leave no memory, process or file descriptor growing.

The soak runs ``KG_SOAK_SECONDS`` seconds (20 by default; set it higher for a long soak, as
docs/reliability.md says).
"""

from __future__ import annotations

import os
import random
import resource
import selectors
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.reliability.test_serve_limits import _descendants, start

HALF_OPEN = 2_000
HEADER_TIMEOUT = 5  # graph/serve/app.py: seconds a half-sent head is kept
SOAK_SECONDS = float(os.environ.get("KG_SOAK_SECONDS", "20"))
# Grows past any time limit on the article's graph (a cross product, sorted).
TOO_SLOW = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"


def _room_for(count: int) -> tuple[int, str]:
    """Raise this process's open-files limit so it can hold ``count`` sockets, within the hard limit;
    the number it can hold, and why it is fewer when it is."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 200  # pytest's own files, the server's pipes, the normal client
    if hard != resource.RLIM_INFINITY and hard < wanted:
        return max(hard - 200, 0), f"the hard limit on open files is {hard}"
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return count, ""


def test_two_thousand_half_open_connections_are_closed_by_the_head_timeout_and_others_are_served():
    count, reason = _room_for(HALF_OPEN)
    if count < 500:
        pytest.skip(f"cannot open enough sockets here: {reason}")
    process, url = start("--timeout", "20")
    port = int(url.rsplit(":", 1)[1])
    sockets: list[socket.socket] = []
    opened: dict[int, float] = {}
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1")  # never finished
            sock.setblocking(False)
            opened[sock.fileno()] = time.monotonic()
            sockets.append(sock)
        all_open = time.monotonic()
        # a normal client, while the half-open ones are all held
        started = time.monotonic()
        reply = httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        answered = time.monotonic()
        assert reply.status_code == 200 and "true" in reply.text
        assert answered - started < 3, f"a normal request took {answered - started:.1f} s"
        still_held = answered - min(opened.values()) < HEADER_TIMEOUT
        # every half-open connection is closed by the server, after the head timeout and not long after
        closed: dict[int, float] = {}
        with selectors.DefaultSelector() as selector:
            for sock in sockets:
                selector.register(sock, selectors.EVENT_READ)
            deadline = all_open + HEADER_TIMEOUT + 15
            while len(closed) < len(sockets) and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=1):
                    try:
                        data = key.fileobj.recv(100)
                    except ConnectionResetError:
                        data = b""
                    assert data == b"", f"a half-open connection got an answer: {data!r}"
                    closed[key.fd] = time.monotonic()
                    selector.unregister(key.fileobj)
        assert len(closed) == len(sockets), f"{len(sockets) - len(closed)} of {len(sockets)} still open"
        waited = sorted(closed[fd] - opened[fd] for fd in closed)
        assert waited[0] >= HEADER_TIMEOUT - 0.5, f"closed after {waited[0]:.1f} s: before the timeout"
        assert waited[-1] < HEADER_TIMEOUT + 10, f"one was closed only after {waited[-1]:.1f} s"
        assert still_held or reason, "the normal request was answered only once the others had been closed"
        # and the server still answers afterwards
        assert httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200
    finally:
        for sock in sockets:
            sock.close()
        process.terminate()
        process.wait(15)
    if reason:
        pytest.skip(f"ran with {count} connections, not {HALF_OPEN}: {reason}")


def _tree(pid: int) -> set[int]:
    return {pid} | _descendants(pid)


def _rss_mib(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _open_fds(pids: set[int]) -> int:
    count = 0
    for pid in pids:
        try:
            count += len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
    return count


def test_a_soak_of_mixed_queries_leaves_nothing_growing():
    """Four clients for ``SOAK_SECONDS``: lookups, joins, protocol errors, and queries past the time limit
    (whose workers are killed and replaced). Every answer is the expected one (a 503 for a request
    that waited behind slow queries included, if rare); afterwards the server and its helpers use
    about the memory, processes and open files they did after the warm-up."""
    process, url = start("--timeout", "1", "--memory-limit", "400", "--workers", "2")
    nodes = httpx.get(
        f"{url}/sparql", params={"query": "SELECT DISTINCT ?s { ?s ?p ?o } LIMIT 200"}, timeout=30
    ).json()["results"]["bindings"]
    subjects = [f"<{row['s']['value']}>" for row in nodes if row["s"]["type"] == "uri"]
    assert len(subjects) >= 50
    cheap = [f"SELECT ?p ?o WHERE {{ {s} ?p ?o }} LIMIT 20" for s in subjects]
    joins = [f"SELECT ?x ?y WHERE {{ {s} ?p ?x . ?x ?q ?y }} LIMIT 50" for s in subjects]
    refused = ["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SELECT * WHERE {"]
    statuses: Counter[tuple[str, int | str]] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def client(seed: int, stop_at: float) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < stop_at:
                roll = rng.random()
                kind, query = (
                    ("slow", TOO_SLOW)
                    if roll < 0.02
                    else ("bad", rng.choice(refused))
                    if roll < 0.07
                    else ("cheap", rng.choice(cheap))
                    if roll < 0.55
                    else ("join", rng.choice(joins))
                )
                try:
                    reply = http.get(f"{url}/sparql", params={"query": query})
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{kind}: {exc!r}")
                    continue
                status = reply.status_code
                if status == 503 and kind != "slow":
                    # expected too: the workers were all held by slow queries for up to the time limit
                    assert "busy" in reply.text or "time limit" in reply.text, reply.text
                    status = "503 while busy"
                with lock:
                    statuses[kind, status] += 1

    def run(seconds: float) -> None:
        stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=client, args=(i, stop_at)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)

    try:
        run(min(5.0, SOAK_SECONDS / 4))  # warm up: workers have run every kind of query once or more
        time.sleep(2)  # let replacements of timed-out workers finish starting
        pids = _tree(process.pid)
        rss, fds = _rss_mib(pids), _open_fds(pids)
        run(SOAK_SECONDS)
        time.sleep(2)
        after = _tree(process.pid)
        rss_after, fds_after = _rss_mib(after), _open_fds(after)
    finally:
        process.terminate()
        process.wait(15)
    assert not errors, errors[:5]
    unexpected = {
        (kind, status): n
        for (kind, status), n in statuses.items()
        if not (
            (kind in ("cheap", "join") and status == 200)
            or (kind == "bad" and status == 400)
            or (kind == "slow" and status == 503)
            or status == "503 while busy"
        )
    }
    assert not unexpected, f"unexpected answers: {unexpected} of {dict(statuses)}"
    busy = sum(n for (_, status), n in statuses.items() if status == "503 while busy")
    assert busy < 0.1 * sum(statuses.values()), f"too many 503s beside the slow queries: {dict(statuses)}"
    assert statuses["slow", 503] >= 1 and statuses["cheap", 200] > 100 and statuses["join", 200] > 100
    assert len(after) == len(pids), f"{len(pids)} processes after the warm-up, {len(after)} at the end"
    assert fds_after <= fds + 8, f"open files grew from {fds} to {fds_after}"
    assert rss_after <= rss * 1.25 + 64, f"memory grew from {rss:.0f} MiB to {rss_after:.0f} MiB"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in after):
        time.sleep(0.2)
    left = {pid for pid in after if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"}
    assert not left, f"left running after the server stopped: {left}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
