"""Worker processes that run the endpoint's queries, so that a query past its time limit can be stopped.

An Oxigraph query cannot be interrupted from Python: it runs in Rust until it ends, holding the
thread that called it. So each query runs in a worker process; when the time limit passes, the
worker is killed (which frees its CPU and memory at once) and a fresh one takes its place.

Workers are forked from a fork server that has already imported this module (and so pyoxigraph
and rdflib), and open the on-disk store that ``kg serve`` prepared, read-only; a replacement is
ready in a fraction of a second whatever the size of the graph. When updates are allowed there
is a single worker that opens the store for writing, since the store takes one writer.

A worker talks to the server over a socket pair, in frames (an 8-byte length, then the bytes): the
request goes one way pickled, the answer comes back as its status and headers, then its body as the
bytes the client gets. The server reads the answers on its event loop, with no thread in between.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import pyoxigraph as ox

from graph.serve.handler import Cardinalities, QueryRequest, Reply, answer, answer_bounded, cheap_patterns

log = logging.getLogger("kg.serve")

START_TIMEOUT = 60.0  # seconds a new worker may take to open the store
IN_PROCESS_THREADS = max(2, min(4, os.cpu_count() or 2))  # threads for the queries the server answers
_LENGTH = struct.Struct("!Q")  # a frame's length, before its bytes


@dataclass(eq=False)  # identity: a worker is itself, not its fields
class _Worker:
    process: BaseProcess
    connection: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def attach(self) -> _Worker:
        """Read and write the worker's socket on the running event loop."""
        self.reader, self.writer = await asyncio.open_connection(sock=self.connection)
        return self


class WorkerPool:
    """A fixed number of worker processes over one on-disk store; ``submit`` runs a request with a time limit."""

    def __init__(
        self,
        store_path: str,
        *,
        size: int = 2,
        writable: bool = False,
        timeout: float = 10.0,
        max_rows: int | None = None,
        prefixes: dict[str, str] | None = None,
        memory_mb: int | None = None,
        in_process: bool = True,
    ):
        self.store_path = store_path
        self.in_process = in_process and not writable  # bounded queries answered in the server itself
        self.answered_in_process = 0  # how many were (for tests and benchmarks)
        self.memory_mb = memory_mb
        self.size = 1 if writable else max(1, size)
        self.writable = writable
        self.timeout = timeout
        self.max_rows = max_rows
        self.prefixes = dict(prefixes or {})
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["__main__", __name__])  # imported once, not per worker
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self._store: ox.Store | None = None  # the server's own read-only view, for bounded queries
        self._cardinality: Cardinalities | None = None
        # Threads for the queries answered in the server: Oxigraph releases the GIL while it evaluates
        # and writes, so they run beside the event loop (and each other) on other cores.
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        if self.in_process:  # (a writable store has one opener, the worker)
            self._store = ox.Store.read_only(self.store_path)
            self._cardinality = Cardinalities(self._store)
            self._threads = concurrent.futures.ThreadPoolExecutor(IN_PROCESS_THREADS, "kg-in-process")
        try:
            workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
            for worker in workers:
                self._idle.put_nowait(await worker.attach())
        except BaseException:
            await self.close()
            raise

    async def submit(self, request: Any) -> Reply:
        """Run ``request`` in a free worker; 503 when none frees up, or the run passes the time limit.

        A query that :func:`graph.serve.handler.bounded_patterns` clears (one triple pattern, or two
        joined on a variable with few matches, and a LIMIT: at most a few thousand index reads,
        whatever the data) is answered here at once: a worker would cost more than the query."""
        if self._store is not None and isinstance(request, QueryRequest):
            patterns = cheap_patterns(request, self.max_rows)
            if patterns is not None:
                started = time.monotonic()
                reply = await asyncio.get_running_loop().run_in_executor(
                    self._threads,
                    answer_bounded,
                    self._store,
                    request,
                    patterns,
                    self.prefixes,
                    self.max_rows,
                    self._cardinality,
                )
                if reply is not None:
                    self.answered_in_process += 1
                    reply.headers["Server-Timing"] = f"query;dur={(time.monotonic() - started) * 1000:.1f}"
                    return reply
        try:
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            try:
                worker = await asyncio.wait_for(self._idle.get(), self.timeout)
            except TimeoutError:
                return Reply.text(
                    503, f"the endpoint is busy: no worker became free within {self.timeout:g} s; try again"
                )
        started = time.monotonic()
        try:
            reply = await _exchange(worker, request, self.timeout)
        except asyncio.CancelledError:
            # The server is stopping (a client that goes away does not cancel its request): the
            # worker may be in the middle of a run, so it is not used again.
            self._replace(worker)
            raise
        except (EOFError, OSError):
            reply = False
        if reply is False:
            log.error("a query worker died; starting another")
            of_memory = self.memory_mb and await asyncio.to_thread(_died_of_memory, worker.process)
            self._replace(worker)
            if of_memory:
                return Reply.text(
                    503,
                    f"the query needed more than the memory limit of {self.memory_mb} MB and was stopped;"
                    " narrow it down (LIMIT, more specific patterns)",
                )
            return Reply.text(500, "the query worker stopped unexpectedly; the query was not answered")
        if reply is None:
            log.warning("a request ran past %.3g s; its worker was stopped", self.timeout)
            self._replace(worker)
            return Reply.text(
                503,
                f"the query ran longer than the time limit of {self.timeout:g} s and was stopped;"
                " narrow it down (LIMIT, more specific patterns)",
            )
        self._idle.put_nowait(worker)
        reply.headers["Server-Timing"] = f"query;dur={(time.monotonic() - started) * 1000:.1f}"
        return reply

    async def close(self) -> None:
        """Stop every worker (and any replacement still starting)."""
        self._closed = True
        self._store = self._cardinality = None
        if self._threads is not None:  # their queries are bounded: a few milliseconds at most
            await asyncio.to_thread(self._threads.shutdown)
            self._threads = None
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            await self._retire(worker)

    def _replace(self, worker: _Worker) -> None:
        task = asyncio.create_task(self._replace_later(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace_later(self, worker: _Worker) -> None:
        await self._retire(worker)
        for attempt in range(3):
            if self._closed:
                return
            try:
                fresh = await asyncio.to_thread(self._spawn)
            except RuntimeError as exc:
                log.error("could not start a query worker (attempt %d of 3): %s", attempt + 1, exc)
                await asyncio.sleep(1)
                continue
            if self._closed:
                await asyncio.to_thread(self._stop, fresh)
                return
            self._idle.put_nowait(await fresh.attach())
            return

    def _spawn(self) -> _Worker:
        """Start one worker and wait (bounded) until it has opened the store."""
        parent_end, child_end = socket.socketpair()
        process = self._context.Process(
            target=_serve_requests,
            args=(
                child_end,
                self.store_path,
                self.writable,
                self.prefixes,
                self.max_rows,
                os.getpid(),
                self.memory_mb,
            ),
            daemon=True,
            name="kg-query-worker",
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._all.add(worker)
        parent_end.settimeout(START_TIMEOUT)
        try:
            status = _receive(parent_end).decode("utf-8")
        except TimeoutError:
            self._stop(worker)
            raise RuntimeError(f"the worker did not open the store within {START_TIMEOUT:g} s") from None
        except (EOFError, OSError):
            self._stop(worker)
            raise RuntimeError("the worker stopped while opening the store") from None
        if status != "ready":
            self._stop(worker)
            raise RuntimeError(status)
        parent_end.setblocking(False)
        return worker

    async def _retire(self, worker: _Worker) -> None:
        """Close the worker's socket on the event loop (which owns it once attached), then stop it."""
        if worker.writer is not None:
            worker.writer.close()
        await asyncio.to_thread(self._stop, worker)

    def _stop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.writer is None:  # not attached: the socket is still this thread's to close
            with contextlib.suppress(OSError):
                worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)


async def _exchange(worker: _Worker, request: Any, timeout: float) -> Reply | None:
    """Send a request and wait up to ``timeout`` seconds for the reply; ``None`` when time ran out."""
    data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    worker.writer.write(_LENGTH.pack(len(data)) + data)
    try:
        async with asyncio.timeout(timeout):
            await worker.writer.drain()
            status, media_type, headers = pickle.loads(await _read_frame(worker.reader))
            body = await _read_frame(worker.reader)
    except TimeoutError:
        return None
    return Reply(status, media_type, body, headers)


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    return await reader.readexactly(length)


def _send(sock: socket.socket, *frames: bytes) -> None:
    """Write frames to a blocking socket (the worker's side): small ones in one system call, a large
    body as it is (not copied)."""
    pending = b""
    for frame in frames:
        pending += _LENGTH.pack(len(frame))
        if len(frame) > 65536:
            sock.sendall(pending)
            sock.sendall(frame)
            pending = b""
        else:
            pending += frame
    if pending:
        sock.sendall(pending)


def _receive(sock: socket.socket) -> bytes:
    """Read one frame from a blocking socket; EOFError when the other side has closed it."""
    (length,) = _LENGTH.unpack(_receive_exactly(sock, _LENGTH.size))
    return _receive_exactly(sock, length)


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        count = sock.recv_into(view[got:])
        if count == 0:
            raise EOFError("the other side closed the socket")
        got += count
    return bytes(buffer)


def _died_of_memory(process: BaseProcess) -> bool:
    """Whether a dead worker was ended by its memory limit: Rust aborts (SIGABRT) when an allocation
    fails, Python raises MemoryError and exits with status 1; the kernel's OOM killer sends SIGKILL."""
    process.join(2)
    return process.exitcode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, 1)


def _watch_parent(server_pid: int) -> None:
    """End this worker within a second of the server's death (kill -9 included), busy or not: its pipe
    only tells an idle worker, and the fork server, not the server, is its parent."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def _limit_memory(memory_mb: int | None) -> None:
    """Let the worker grow by ``memory_mb`` past what it maps once the store is open (the address-space
    limit counts the libraries and the store's mapped files too, which queries do not grow)."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(OSError, ValueError, IndexError):
            limit += int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve_requests(
    connection: socket.socket,
    store_path: str,
    writable: bool,
    prefixes: dict[str, str],
    max_rows: int | None,
    server_pid: int | None = None,
    memory_mb: int | None = None,
) -> None:
    """A worker's life: open the store, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which stops its workers
    if server_pid is not None:
        threading.Thread(target=_watch_parent, args=(server_pid,), daemon=True).start()
    try:
        store = ox.Store(store_path) if writable else ox.Store.read_only(store_path)
    except OSError as exc:
        _send(connection, f"cannot open the store {store_path}: {exc}".encode())
        return
    _limit_memory(memory_mb)  # after opening the store: its files are mapped within the limit too
    _send(connection, b"ready")
    while True:
        try:
            request = pickle.loads(_receive(connection))
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, request, prefixes=prefixes, max_rows=max_rows)
        except Exception:  # a bug: say so, keep the traceback in the server's log, keep serving
            log.exception("the endpoint failed on a request")
            reply = Reply.text(500, "the endpoint failed on this request (a bug); see the server's log")
        head = pickle.dumps((reply.status, reply.media_type, reply.headers), protocol=pickle.HIGHEST_PROTOCOL)
        _send(connection, head, reply.body)
