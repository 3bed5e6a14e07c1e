"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the graph, a small ASGI app (Starlette on Uvicorn).

Routes:
  ``/``          a page to write queries, with the example queries one click away
  ``/sparql``    the SPARQL 1.1 Protocol: GET, POST form, POST ``application/sparql-query``
                 (and ``application/sparql-update`` when updates are allowed)
  ``/store``     the Graph Store Protocol's GET: ``?default``, ``?graph=IRI``, or the whole dataset
  ``/explorer``  the interactive graph (``exports/graph.html``)

This module handles HTTP only; the checks and the query itself run in worker processes
(:mod:`graph.serve.workers`, :mod:`graph.serve.handler`), which a time limit can stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl

from starlette._utils import parse_host_header
from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from graph.defaults import DEFAULT_PORT
from graph.serve.handler import GraphRequest, QueryRequest, Reply, UpdateRequest
from graph.serve.workers import WorkerPool
from graph.sparql.query import NamedQuery
from graph.web import embed_json, fill, inline_hashes

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_REQUESTS = 256  # requests in progress at once; past it, 503 at once
MAX_OPEN_CONNECTIONS = 10_000  # connections open at once (idle and half-sent ones included); past it, 503
HEADER_TIMEOUT = 5  # seconds an idle connection, or one with a request head half-sent, is kept
MAX_REQUEST_LINE = 16 * 1024  # bytes; past it, 414
MAX_HEAD = 64 * 1024  # bytes of request line and headers; past it, 431
EXPLORER_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:;"
    " font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@dataclass
class Settings:
    """How the endpoint behaves; the defaults are the safe ones."""

    timeout: float = 10.0
    max_rows: int | None = 10_000
    max_body: int = 1_000_000
    workers: int = 2
    memory_mb: int | None = 2048
    allow_updates: bool = False
    cors: bool = False
    explorer: Path | None = None
    queries: list[NamedQuery] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)


def create_app(
    store_path: str,
    settings: Settings,
    trusted_hosts: list[str] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """The ASGI app over the on-disk store at ``store_path`` (see :func:`prepare_store`)."""
    pool = WorkerPool(
        store_path,
        size=settings.workers,
        writable=settings.allow_updates,
        timeout=settings.timeout,
        max_rows=settings.max_rows,
        prefixes=settings.prefixes,
        memory_mb=settings.memory_mb,
    )
    page, page_csp = _page(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await pool.start()
        if on_ready:
            on_ready()
        try:
            yield
        finally:
            await pool.close()

    async def home(request: Request) -> Response:
        nonce = secrets.token_urlsafe(18)
        return HTMLResponse(
            page.replace(STYLE_NONCE, nonce),
            headers={
                "Content-Security-Policy": page_csp.replace(STYLE_NONCE, nonce),
                "Cache-Control": "no-cache",
            },
        )

    async def sparql(request: Request) -> Response:
        parsed = await _protocol_request(request, settings)
        if isinstance(parsed, Reply):
            return _response(parsed)
        return _response(await pool.submit(parsed))

    async def store(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            if not settings.allow_updates:
                return _response(
                    Reply.text(403, "this endpoint is read-only: the Graph Store Protocol allows GET only")
                )
            return _response(
                Reply.text(405, "only GET is served here; change the data with SPARQL Update at /sparql"),
                {"Allow": "GET, HEAD"},
            )
        params = _params(request.url.query)
        if isinstance(params, Reply):
            return _response(params)
        graphs = [value for key, value in params if key == "graph"]
        default = any(key == "default" for key, _ in params)
        if len(graphs) > 1 or (graphs and default):
            return _response(Reply.text(400, "give either ?default or one ?graph=IRI"))
        job = GraphRequest(
            graph=graphs[0] if graphs else None, default=default, accept=request.headers.get("accept")
        )
        reply = await pool.submit(job)
        return _response(reply, head=request.method == "HEAD")

    async def favicon(request: Request) -> Response:
        return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    async def explorer(request: Request) -> Response:
        path = settings.explorer
        if path is None or not path.is_file():
            return _response(Reply.text(404, f"no graph explorer at {path}: run kg build to write it"))
        return FileResponse(
            path, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": EXPLORER_CSP}
        )

    # outermost first: a 503 from the cap on requests carries the security headers too
    cap = _Counter()
    middleware = [Middleware(_SecurityHeaders), Middleware(_RequestCap, counter=cap)]
    if trusted_hosts:
        middleware.append(Middleware(_TrustedHost, allowed_hosts=trusted_hosts))
    if settings.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["X-SPARQL-MaxRows"],
            )
        )
    every_method = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    routes = [
        Route("/", home, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=every_method),
        Route("/sparql/", sparql, methods=every_method),
        Route("/store", store, methods=every_method),
        Route("/explorer", explorer, methods=["GET", "HEAD"]),
        Route("/favicon.svg", favicon, methods=["GET", "HEAD"]),
        Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
    ]
    app = _Endpoint(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    if not settings.cors:  # CORS headers are the middleware's: such requests take the full path
        app.fast = _PlainQueries(pool, cap, trusted_hosts)
    return app


class _Endpoint(Starlette):
    """The app, with a short way through for the commonest request (see :class:`_PlainQueries`)."""

    fast: _PlainQueries | None = None

    async def __call__(self, scope, receive, send) -> None:
        if (
            self.fast is not None
            and scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] in ("/sparql", "/sparql/")
            and await self.fast(scope, send)
        ):
            return
        await super().__call__(scope, receive, send)


_QUERY_PARAMETERS = {"query", "default-graph-uri", "named-graph-uri"}
_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


class _PlainQueries:
    """A GET of ``/sparql`` with one ``query`` (and the protocol's dataset, if any), from an allowed
    host, answered without the middleware and routing layers, which cost more than a lookup does.

    It gives exactly what the full path gives (the same :class:`QueryRequest`, base IRI included,
    the same status, body and headers, the security headers too) and counts against the same cap
    on requests; anything else it declines (returns false, having sent nothing), and the full path
    answers: other methods and paths, an update, a malformed or unusual parameter, a host to refuse.
    The HTTP protocol (:func:`_protocol`) calls :meth:`request` and :meth:`headers` itself for a
    plain request head, before any ASGI machinery is set up.
    """

    def __init__(self, pool: WorkerPool, cap: _Counter, trusted_hosts: list[str] | None) -> None:
        self.pool = pool
        self.cap = cap
        self._allowed = set(trusted_hosts) if trusted_hosts else None
        self.host_allowed = functools.lru_cache(maxsize=64)(self._host_allowed)
        self._base_iri = functools.lru_cache(maxsize=64)(_base_iri)

    def _host_allowed(self, header: bytes | None) -> bool:
        if self._allowed is None:
            return True
        if header is None:
            return False
        text = header.decode("latin-1")
        if text.startswith("["):  # as _TrustedHost reads an IPv6 address in brackets
            return (text[1 : text.find("]")] if "]" in text else text) in self._allowed
        parsed = parse_host_header(text)
        return parsed is not None and parsed.host.lower() in self._allowed

    def request(
        self, raw_query: bytes, host: bytes | None, accept: str | None, scheme: str, server, path: str
    ) -> QueryRequest | None:
        """The query a plain GET asks, or ``None`` when the full path must answer it."""
        if b"#" in raw_query or self.cap.running >= MAX_REQUESTS or not self.host_allowed(host):
            return None
        params = (_query_params if len(raw_query) <= 2048 else _query_params.__wrapped__)(raw_query)
        if params is None:
            return None
        if len(params) == 1:  # the common case: just the query
            key, text = params[0]
            if key != "query":
                return None
            return QueryRequest(text, accept, (), (), self._base_iri(scheme, server, path, host))
        names = [key for key, _ in params]
        if names.count("query") != 1 or not _QUERY_PARAMETERS.issuperset(names):
            return None
        return QueryRequest(
            next(value for key, value in params if key == "query"),
            accept,
            tuple(value for key, value in params if key == "default-graph-uri"),
            tuple(value for key, value in params if key == "named-graph-uri"),
            self._base_iri(scheme, server, path, host),
        )

    async def reply(self, request: QueryRequest) -> Reply:
        """The pool's answer, counted against the cap on requests in progress."""
        self.cap.running += 1
        try:
            return await self.pool.submit(request)
        finally:
            self.cap.running -= 1

    @staticmethod
    def headers(reply: Reply) -> list[tuple[bytes, bytes]]:
        """The response headers the full path would send for ``reply`` (after the server's own)."""
        headers = [
            (key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in reply.headers.items()
        ]
        if reply.status in (200, 406) and "vary" not in {key.lower() for key in reply.headers}:
            headers.append((b"vary", b"Accept"))
        if not (reply.status < 200 or reply.status in (204, 304)):
            headers.append((b"content-length", str(len(reply.body)).encode("latin-1")))
        media_type = reply.media_type
        if media_type.startswith("text/") and "charset=" not in media_type.lower():  # as Starlette does
            media_type += "; charset=utf-8"
        headers.append((b"content-type", media_type.encode("latin-1")))
        headers += _SECURITY_HEADERS
        return headers

    async def __call__(self, scope, send) -> bool:
        """Answer an ASGI GET of /sparql, or decline (false, nothing sent)."""
        host = accept = None
        for key, value in scope["headers"]:
            if key == b"host" and host is None:
                host = value
            elif key == b"accept" and accept is None:
                accept = value.decode("latin-1")
        request = self.request(
            scope.get("query_string", b""),
            host,
            accept,
            scope.get("scheme", "http"),
            scope.get("server"),
            scope["path"],
        )
        if request is None:
            return False
        reply = await self.reply(request)
        await send({"type": "http.response.start", "status": reply.status, "headers": self.headers(reply)})
        await send({"type": "http.response.body", "body": reply.body})
        return True


@functools.lru_cache(maxsize=4096)  # the same few hundred query strings come again and again
def _query_params(raw_query: bytes) -> tuple[tuple[str, str], ...] | None:
    """The parameters of a query string, or ``None`` when they are not UTF-8 (the full path explains)."""
    try:
        return tuple(parse_qsl(raw_query.decode(), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError):
        return None


def _base_iri(scheme: str, server, path: str, host: bytes | None) -> str:
    scope = {"scheme": scheme, "server": server, "path": path, "query_string": b""}
    scope["headers"] = [(b"host", host)] if host is not None else []
    return str(URL(scope=scope).replace(query=""))


async def _protocol_request(request: Request, settings: Settings) -> QueryRequest | UpdateRequest | Reply:
    """Read a SPARQL 1.1 Protocol request into a query or an update, or the error Reply it deserves."""
    if request.method not in ("GET", "HEAD", "POST"):
        return Reply.text(405, f"{request.method} is not a SPARQL Protocol operation: use GET or POST")
    params = _params(request.url.query)
    if isinstance(params, Reply):
        return params
    direct: tuple[str, str] | None = None
    if request.method == "POST":
        media_type, _, options = (request.headers.get("content-type") or "").partition(";")
        media_type = media_type.strip().lower()
        if media_type not in (FORM, SPARQL_QUERY, SPARQL_UPDATE):
            shown = media_type or "no Content-Type"
            return Reply.text(415, f"a POST must be {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, not {shown}")
        charset = _charset(options)
        if charset not in (None, "utf-8", "utf8"):
            return Reply.text(415, f"the request body must be UTF-8, not {charset}")
        body = await _read_body(request, settings.max_body)
        if isinstance(body, Reply):
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Reply.text(400, "the request body is not valid UTF-8")
        if media_type == FORM:
            form = _params(text)
            if isinstance(form, Reply):
                return form
            params += form
        else:
            direct = ("query" if media_type == SPARQL_QUERY else "update", text)
    queries = [value for key, value in params if key == "query"]
    updates = [value for key, value in params if key == "update"]
    if direct:
        (queries if direct[0] == "query" else updates).append(direct[1])
    if len(queries) + len(updates) == 0:
        return Reply.text(
            400,
            "no query: send one as ?query=..., a form field, or a POST body; the page at / helps write one",
        )
    if len(queries) + len(updates) > 1:
        return Reply.text(400, "send exactly one query or one update per request")
    values = {
        key: [value for k, value in params if k == key]
        for key in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")
    }
    base_iri = str(request.url.replace(query=""))
    if updates:
        if not settings.allow_updates:
            return Reply.text(
                403,
                "this endpoint is read-only: updates are refused (start it with --allow-updates to allow them)",
            )
        if request.method != "POST":
            return Reply.text(405, "an update must be sent with POST")
        return UpdateRequest(
            updates[0], tuple(values["using-graph-uri"]), tuple(values["using-named-graph-uri"]), base_iri
        )
    return QueryRequest(
        queries[0],
        request.headers.get("accept"),
        tuple(values["default-graph-uri"]),
        tuple(values["named-graph-uri"]),
        base_iri,
    )


def _params(query_string: str) -> list[tuple[str, str]] | Reply:
    try:
        return parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return Reply.text(400, "the parameters are not valid UTF-8 percent-encoding")


def _charset(options: str) -> str | None:
    for option in options.split(";"):
        key, _, value = option.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


async def _read_body(request: Request, limit: int) -> bytes | Reply:
    """The request body, refused (413) past ``limit`` bytes without reading the rest."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return Reply.text(413, f"the request body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return Reply.text(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _response(reply: Reply, headers: dict[str, str] | None = None, head: bool = False) -> Response:
    all_headers = {**reply.headers, **(headers or {})}
    if reply.status == 406 or reply.status == 200:
        all_headers.setdefault("Vary", "Accept")
    return Response(
        b"" if head else reply.body,
        status_code=reply.status,
        media_type=reply.media_type,
        headers=all_headers,
    )


class _TrustedHost(TrustedHostMiddleware):
    """Starlette's host check, which cuts the Host header at its first colon: an IPv6 address in
    brackets (``[::1]:7878``) is read here as RFC 3986 writes it."""

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            host = headers.get(b"host", b"").decode("latin-1")
            if host.startswith("["):
                bare = host[1 : host.find("]")] if "]" in host else host
                if bare in self.allowed_hosts:
                    await self.app(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)


@dataclass
class _Counter:
    running: int = 0  # requests in progress


class _RequestCap:
    """At most ``MAX_REQUESTS`` requests in progress; past it, 503 at once (queries also wait for a
    worker only up to the time limit)."""

    def __init__(self, app, counter: _Counter):
        self.app = app
        self.counter = counter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.counter.running >= MAX_REQUESTS:
            return await _response(
                Reply.text(503, f"the endpoint has {MAX_REQUESTS} requests in progress; try again")
            )(scope, receive, send)
        self.counter.running += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.counter.running -= 1


class _SecurityHeaders:
    """Headers every answer carries: no MIME sniffing, no referrer leaks."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Three linked nodes: the page's icon (SVG, so one file serves every size).
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<path d="M8 24L16 8L25 22Z" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>'
    '<circle cx="8" cy="24" r="5" fill="#1f5fbf"/><circle cx="16" cy="8" r="5" fill="#d9480f"/>'
    '<circle cx="25" cy="22" r="5" fill="#2b8a3e"/></svg>'
)


# In the page and its CSP, replaced by a fresh nonce on every response: the editor's <style> carries it.
STYLE_NONCE = "kg-style-nonce-placeholder"


def _page(settings: Settings) -> tuple[str, str]:
    """The query page, with the example queries and prefixes built in, and a CSP that admits only its own
    inline script and style (by hash)."""
    template = resources.files("graph.serve").joinpath("static/endpoint.html").read_text(encoding="utf-8")
    examples = [{"name": q.name, "title": q.title or q.name, "text": q.text} for q in settings.queries]
    data = {
        "examples": examples,
        "prefixes": settings.prefixes,
        "explorer": settings.explorer is not None and settings.explorer.is_file(),
        "maxRows": settings.max_rows,
        "timeout": settings.timeout,
        "updates": settings.allow_updates,
    }
    # CodeMirror 6, bundled once by static/editor-src/build.sh (licences in static/editor.LICENSE.txt)
    editor = resources.files("graph.serve").joinpath("static/editor.js").read_text(encoding="utf-8")
    page = fill(template, {"data": embed_json(data), "editor": editor, "nonce": STYLE_NONCE})
    scripts, styles = " ".join(inline_hashes(page, "script")), " ".join(inline_hashes(page, "style"))
    csp = (
        "default-src 'none'; "
        f"script-src {scripts}; style-src {styles} 'nonce-{STYLE_NONCE}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return page, csp


STORE_PREFIX = "kg-serve-"  # temporary stores: kg-serve-<pid of the server>-<random>


def remove_dead_stores() -> None:
    """Remove the temporary stores of servers that died without cleaning up (kill -9, power loss)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{STORE_PREFIX}*-*"):
        pid = folder.name[len(STORE_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_store(load: Callable[[str], dict[str, str]]) -> tuple[Path, str, dict[str, str]]:
    """Make a temporary folder and an on-disk store in it with ``load(location)``; return the folder, the
    store's path and the prefixes ``load`` gave. The caller removes the folder."""
    remove_dead_stores()
    folder = Path(tempfile.mkdtemp(prefix=f"{STORE_PREFIX}{os.getpid()}-"))
    location = str(folder / "store")
    try:
        prefixes = load(location)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    gc.collect()  # the loading store must be closed before the workers open it
    return folder, location, prefixes


def run(
    store_path: str,
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted. The socket is bound first, so ``port`` 0 picks a free port; ``announce``
    gets one line with the endpoint's address once the workers are ready."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family)
    except OSError as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if family == socket.AF_INET6 else host
    base = f"http://{shown_host}:{bound_port}"
    trusted = sorted(LOOPBACK) if host in LOOPBACK or host.startswith("127.") else None
    if trusted and host not in trusted:
        trusted.append(host)

    def ready() -> None:
        announce(f"SPARQL endpoint at {base}/sparql, query page at {base}/ (Ctrl+C stops)")
        sys.stdout.flush()

    _raise_open_files_limit()
    app = create_app(store_path, settings, trusted_hosts=trusted, on_ready=ready)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        limit_concurrency=None,  # uvicorn's counts idle connections too: see MAX_REQUESTS, MAX_OPEN_CONNECTIONS
        timeout_keep_alive=HEADER_TIMEOUT,
        h11_max_incomplete_event_size=MAX_HEAD + 1024,  # past this module's own limits
        http=_protocol(app.fast),
    )
    # Uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the handler it found:
    # make that an ordinary exit, so the caller's clean-up (the temporary store) still runs.
    previous = signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


class _Framing:
    """Where each request head starts and ends in a connection's bytes, read from the bytes alone (the
    request line, Content-Length, chunked bodies), so that limits on the head are this module's own.

    ``feed`` returns ``None``, or the status a head deserves before it is even complete: 414 for a
    request line past ``MAX_REQUEST_LINE``, 431 for a head past ``MAX_HEAD``. Once the bytes stop
    making sense (the HTTP parser will answer 400 for those) it stops looking.
    """

    def __init__(self) -> None:
        self.in_head = True  # not within a body: waiting for (the rest of) a request head
        self._buffer = bytearray()
        self._body = 0  # bytes of a Content-Length body still to come
        self._chunked = ""  # "", "size", "data", "trailer": where in a chunked body
        self._lost = False

    @property
    def head_started(self) -> bool:
        return self.in_head and bool(self._buffer)

    def feed(self, data: bytes) -> int | None:
        if self._lost:
            return None
        view = memoryview(data)
        while view:
            if self._body:
                taken = min(self._body, len(view))
                self._body -= taken
                view = view[taken:]
                if not self._body and self._chunked == "data":
                    self._chunked = "size"
                self.in_head = not (self._body or self._chunked)
                continue
            if self._chunked in ("size", "trailer"):
                view = self._chunk_line(view)
                self.in_head = not (self._body or self._chunked)
                continue
            if not self._buffer:
                while view[:2] == b"\r\n":  # empty lines before a request line are allowed
                    view = view[2:]
                if not view:
                    break
            before = len(self._buffer)
            self._buffer += view[: MAX_HEAD + 4]
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return self._too_long()
            too_long = self._too_long(end)
            if too_long:
                return too_long
            head, consumed = bytes(self._buffer[:end]), end + 4 - before
            self._buffer.clear()
            view = view[consumed:]
            self._start_body(head)
            self.in_head = not (self._body or self._chunked)
            if self._lost:
                return None
        return None

    def _too_long(self, end: int | None = None) -> int | None:
        head = self._buffer if end is None else self._buffer[:end]
        line_end = head.find(b"\r\n")
        if (line_end if line_end >= 0 else len(head)) > MAX_REQUEST_LINE:
            return 414
        if len(head) > MAX_HEAD:
            return 431
        return None

    def _start_body(self, head: bytes) -> None:
        fields = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields.setdefault(name.strip().lower(), []).append(value.strip().lower())
        lengths = fields.get(b"content-length", [])
        if b"upgrade" in fields or (lengths and b"transfer-encoding" in fields) or len(lengths) > 1:
            self._lost = True
        elif fields.get(b"transfer-encoding") == [b"chunked"]:
            self._chunked = "size"
        elif b"transfer-encoding" in fields:
            self._lost = True
        elif lengths:
            if lengths[0].isdigit():
                self._body = int(lengths[0])
            else:
                self._lost = True

    def _chunk_line(self, view: memoryview) -> memoryview:
        """Read one line of a chunked body: a chunk's size, or a trailer line (an empty one ends it)."""
        self._buffer += view[: MAX_HEAD + 2]
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD:
                self._lost = True
            return view[len(view) :]
        consumed = end + 2 - (len(self._buffer) - min(len(view), MAX_HEAD + 2))
        line = bytes(self._buffer[:end])
        self._buffer.clear()
        if self._chunked == "trailer":
            if not line:
                self._chunked = ""
        else:
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self._lost = True
                return view[len(view) :]
            if size:
                self._chunked, self._body = "data", size + 2  # the chunk and its CRLF
            else:
                self._chunked = "trailer"
        return view[consumed:]


class _Transport:
    """A transport that sends what is written in one loop iteration in one piece: the HTTP protocol
    writes a response's head and body separately, and each send to a busy loopback peer can cost
    a scheduler round."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, lines) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


_REASONS = {414: "URI Too Long", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}
_REFUSALS = {
    414: "the request line is longer than 16 KiB: send a long query with POST",
    431: "the request head is longer than 64 KiB",
    503: "the server has as many connections open as it takes; try again",
}


def _protocol(plain: _PlainQueries | None = None):
    """Uvicorn's HTTP/1.1 protocol, behind this module's own limits on request heads.

    Uvicorn waits for a request head for ever (2,000 half-open connections stay open), and answers a
    head past its parser's buffer with 400 and an immediate close, which the client, still sending,
    sees as a reset. Here, from the bytes alone (:class:`_Framing`): a head must be complete within
    ``HEADER_TIMEOUT`` seconds of its first byte (of the connection, for the first); a request line
    past ``MAX_REQUEST_LINE`` gets 414 and a head past ``MAX_HEAD`` 431, while the rest of what the
    client sends is read and dropped, so that it sees the status. Past ``MAX_OPEN_CONNECTIONS`` open
    connections a new one gets 503 at once.

    With ``plain``, a complete keep-alive ``GET /sparql?query=...`` head, arriving alone and with only
    the usual headers (:func:`_plain_head`), is answered here: the same bytes uvicorn and the app
    would write (:class:`_PlainQueries`), in one write, without the ASGI cycle, whose per-request
    Python costs more than a lookup. Anything else takes uvicorn's path; what arrives while such an
    answer is being made is held (reading paused) and then taken in order.
    """
    try:  # the C parser (httptools) when it is installed: less CPU per request than h11
        from uvicorn.protocols.http.httptools_impl import STATUS_LINE
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as HttpProtocol
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol as HttpProtocol

        plain = None  # the bytes written here are those of uvicorn's httptools protocol

    open_connections: set[asyncio.Protocol] = set()

    class Protocol(HttpProtocol):
        def connection_made(self, transport):
            self._framing = _Framing()
            self._refused = False
            self._loop = asyncio.get_running_loop()
            self._raw = transport
            self._deadline: asyncio.TimerHandle | None = self._loop.call_later(
                HEADER_TIMEOUT, self._head_too_slow
            )
            open_connections.add(self)
            self._plain_busy = False  # a plain GET is being answered: what arrives now waits in _held
            self._held: list[bytes] = []
            self._close_after = False
            super().connection_made(_Transport(transport, self._loop))
            if len(open_connections) > MAX_OPEN_CONNECTIONS:
                self._refuse(503)

        def connection_lost(self, exc):
            open_connections.discard(self)
            self._disarm()
            super().connection_lost(exc)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _head_too_slow(self) -> None:
            self._deadline = None
            if not self._raw.is_closing():
                self._raw.close()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # read and dropped until the client has seen the status
            if self._plain_busy:
                self._held.append(data)
                self._raw.pause_reading()
                return
            status = self._framing.feed(data)
            if status is not None:
                self._refuse(status)
                return
            if not self._framing.head_started:
                self._disarm()  # heads complete; idle keep-alive is uvicorn's timeout_keep_alive
                if (
                    plain is not None
                    and data[:12] in (b"GET /sparql?", b"GET /sparql/")
                    and (self.cycle is None or self.cycle.response_complete)
                    and not self.pipeline
                    and self._framing.in_head
                ):
                    request = _plain_head(data, plain, self.scheme, self.server)
                    if request is not None:
                        self._unset_keepalive_if_required()
                        self._plain_busy = True
                        task = self._loop.create_task(self._answer_plain(request))
                        task.add_done_callback(self.tasks.discard)
                        self.tasks.add(task)
                        return
            elif self._deadline is None:  # a new head has begun: it too gets HEADER_TIMEOUT seconds
                self._deadline = self._loop.call_later(HEADER_TIMEOUT, self._head_too_slow)
            super().data_received(data)

        async def _answer_plain(self, request: QueryRequest) -> None:
            try:
                try:
                    reply = await plain.reply(request)
                except Exception:  # not expected: the client learns of it as from uvicorn's path
                    log.exception("answering a GET of /sparql failed")
                    reply = Reply(500, "text/plain", b"Internal Server Error")
                if self._raw.is_closing():
                    return
                content = [STATUS_LINE[reply.status]]
                for name, value in self.server_state.default_headers + plain.headers(reply):
                    content += (name, b": ", value, b"\r\n")
                if self._close_after:
                    content.append(b"connection: close\r\n")
                content += (b"\r\n", reply.body)
                self._raw.write(b"".join(content))
                self.server_state.total_requests += 1
                if self._close_after:
                    self._raw.close()
                    return
                self.timeout_keep_alive_task = self._loop.call_later(
                    self.timeout_keep_alive, self.timeout_keep_alive_handler
                )
            finally:
                self._plain_busy = False
                held, self._held = self._held, []
                if not self._raw.is_closing():
                    self._raw.resume_reading()
                    for data in held:
                        self.data_received(data)

        def shutdown(self) -> None:
            if self._plain_busy:
                self._close_after = True  # answered, then closed, as uvicorn does with a request in progress
                return
            super().shutdown()

        def _refuse(self, status: int) -> None:
            self._refused = True
            self._disarm()
            body = (_REFUSALS[status] + "\n").encode("utf-8")
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
            ).encode("ascii")
            self._raw.write(head + body)
            if self._raw.can_write_eof():
                self._raw.write_eof()
            self._loop.call_later(2, self._raw.close)

    return Protocol


# Headers a plain GET may carry (each once); any other header, or a repeated one, takes the full path.
_PLAIN_HEADERS = {b"host", b"accept", b"user-agent", b"accept-encoding", b"accept-language", b"connection"}
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FIELD_VALUE = re.compile(rb"[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?")
_TARGET = re.compile(rb"[\x21-\x7e]+")


def _plain_head(data: bytes, plain: _PlainQueries, scheme: str, server) -> QueryRequest | None:
    """The query of ``data`` when it is exactly one keep-alive HTTP/1.1 ``GET /sparql?...`` head with
    only :data:`_PLAIN_HEADERS` (``Connection: keep-alive`` at most), that :meth:`_PlainQueries.request`
    takes; ``None`` for anything else."""
    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 != len(data):
        return None
    lines = data[:end].split(b"\r\n")
    method, _, rest = lines[0].partition(b" ")
    target, _, version = rest.partition(b" ")
    if version != b"HTTP/1.1" or not _TARGET.fullmatch(target):
        return None
    path, _, raw_query = target.partition(b"?")
    if path not in (b"/sparql", b"/sparql/"):
        return None
    fields = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        name = name.lower()
        if not colon or name not in _PLAIN_HEADERS or name in fields or not _TOKEN.fullmatch(name):
            return None
        value = value.lstrip(b" \t")  # no trailing space, no empty value: those take the full path
        if not _FIELD_VALUE.fullmatch(value):
            return None
        fields[name] = value
    if fields.get(b"connection", b"keep-alive").lower() != b"keep-alive":
        return None
    accept = fields.get(b"accept")
    return plain.request(
        raw_query,
        fields.get(b"host"),
        None if accept is None else accept.decode("latin-1"),
        scheme,
        server,
        path.decode("ascii"),
    )


def _raise_open_files_limit() -> None:
    """Let the server hold ``MAX_OPEN_CONNECTIONS`` connections: a soft limit of 1,024 open files (a
    common default) is used up by 1,000 half-open connections, and then no one else can connect."""
    try:
        import resource
    except ImportError:  # not on this system: its own limits apply
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_OPEN_CONNECTIONS + 1024  # the store's files, the workers' sockets, the page
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)
