"""Talking to other SPARQL servers over HTTP (httpx): credentials from the environment, queries, and every
failure as one line that says what to do.

Credentials are never options (they would show in the shell history and the process list):
``KG_TOKEN`` sends ``Authorization: Bearer``; ``KG_USER`` and ``KG_PASSWORD`` send HTTP Basic
(or Digest, for Virtuoso's ``-auth`` endpoints, with ``auth="digest"``).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Generator, Mapping

import httpx

from graph.defaults import AUTH_SCHEMES  # noqa: F401 - the schemes auth_from_environment knows
from graph.errors import KnowledgeGraphError
from graph.sparql.guard import one_line
from graph.sparql.query import declare_prefixes
from graph.sparql.results import QueryResult, parse_results

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "KG_USER", "KG_PASSWORD", "KG_TOKEN"

# What to ask for, by query form: SPARQL results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE.
# A store that finds SPARQL JSON acceptable for a graph answers a DESCRIBE in its own JSON dialect
# (Virtuoso does), so each form asks only for types that can carry it.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"
ACCEPT_BY_FORM = {
    "select": RESULTS_ACCEPT,
    "ask": RESULTS_ACCEPT,
    "construct": GRAPH_ACCEPT,
    "describe": GRAPH_ACCEPT,
}

_PROLOGUE = re.compile(r"""\s*(?:\#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)""", re.IGNORECASE)
_FORM = re.compile(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class RemoteError(KnowledgeGraphError):
    """A SPARQL server could not be reached, or refused or failed the request."""


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer TOKEN``."""

    def __init__(self, token: str):
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def auth_from_environment(
    scheme: str = "basic", environ: Mapping[str, str] | None = None
) -> httpx.Auth | None:
    """Credentials from ``KG_TOKEN`` (bearer) or ``KG_USER`` and ``KG_PASSWORD`` (basic or digest); None if unset."""
    environ = os.environ if environ is None else environ
    token = environ.get(ENV_TOKEN)
    if token:
        return BearerAuth(token)
    user = environ.get(ENV_USER)
    if user:
        password = environ.get(ENV_PASSWORD, "")
        return httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)
    return None


def query_form(text: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``: the form of a query, read after its prologue; None if unclear.

    >>> query_form("# the ranks\\nPREFIX kg: <urn:kg#>\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'construct'
    """
    position = 0
    while found := _PROLOGUE.match(text, position):
        position = found.end()
    form = _FORM.match(text, position)
    return form.group(1).lower() if form else None


def client(timeout: float, auth: httpx.Auth | None = None) -> httpx.Client:
    """An httpx client with our time limit and credentials."""
    return httpx.Client(timeout=httpx.Timeout(timeout), auth=auth, headers={"User-Agent": "ningbo-kg"})


def query_endpoint(
    url: str,
    query: str,
    *,
    prefixes: dict[str, str] | None = None,
    graph: str | None = None,
    timeout: float = 30.0,
    auth: httpx.Auth | None = None,
) -> QueryResult:
    """Run a query on a remote SPARQL endpoint (SPARQL 1.1 Protocol, POST form) and read its answer.

    ``prefixes`` the query does not declare are declared in front of it; ``graph`` is sent as
    ``default-graph-uri``, so the queries written for the local graph work on a named graph.
    """
    text = declare_prefixes(query, prefixes or {})
    data = {"query": text}
    if graph:
        data["default-graph-uri"] = graph
    added = text.count("\n") - query.count("\n")
    with client(timeout, auth) as http:
        try:
            accept = ACCEPT_BY_FORM.get(query_form(text) or "", ACCEPT)
            response = send(http, "POST", url, "query", data=data, headers={"Accept": accept})
        except RemoteError as exc:
            if added and ": 400 " in str(exc):
                raise RemoteError(
                    f"{exc}; its line numbers count the {added} PREFIX lines put in front of the query"
                ) from None
            raise
    try:
        result = parse_results(response.content, response.headers.get("content-type", ""), prefixes)
    except (ValueError, SyntaxError) as exc:
        raise RemoteError(f"{url}: the answer could not be read: {one_line(str(exc))}") from None
    result.truncated = "x-sparql-maxrows" in response.headers
    return result


def count_triples(
    url: str, graph: str | None = None, *, timeout: float = 30.0, auth: httpx.Auth | None = None
) -> int:
    """How many triples the endpoint holds in ``graph`` (or in its default graph)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = query_endpoint(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", timeout=timeout, auth=auth)
    try:
        return int(result.solutions[0][0].value)
    except (TypeError, IndexError, ValueError, AttributeError):
        raise RemoteError(f"{url}: the count query did not answer a number") from None


def send(
    http: httpx.Client, method: str, url: str, action: str, allow: tuple[int, ...] = (), **kwargs
) -> httpx.Response:
    """Send one request; a refused connection, a time-out or an error status (other than ``allow``) is a
    one-line RemoteError."""
    try:
        response = http.request(method, url, **kwargs)
    except httpx.ConnectError as exc:
        raise RemoteError(
            f"{url}: cannot connect ({_reason(exc)}); is the server running, and is the address right?"
        ) from None
    except httpx.TimeoutException:
        raise RemoteError(
            f"{url}: no answer within {http.timeout.read:g} s; the server is busy or the limit (--timeout) too short"
        ) from None
    except httpx.HTTPError as exc:
        raise RemoteError(f"{url}: {one_line(str(exc)) or type(exc).__name__}") from None
    if response.is_success or response.status_code in allow:
        return response
    raise RemoteError(explain(response, action, auth_given=http.auth is not None))


def explain(response: httpx.Response, action: str, auth_given: bool = False) -> str:
    """One line for an error status: what it means for ``action`` (query, upload) and what to try."""
    status = response.status_code
    head = f"{response.request.url}: {status} {response.reason_phrase}"
    detail = one_line(reason_text(response), 200)
    if status == 401:
        asked = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if asked == "digest" and not auth_given:
            return f"{head}: the server asks for Digest credentials; set {ENV_USER} and {ENV_PASSWORD} and add --auth digest"
        if asked == "digest" and not _sent_digest(response):
            return f"{head}: the server asks for Digest credentials, not the ones sent; add --auth digest"
        sent = response.request.headers.get("authorization", "").split(" ", 1)[0].lower()
        if sent == "basic" and response.request.url.path.rstrip("/").endswith("-auth"):
            # Virtuoso's -auth endpoints refuse Basic credentials without naming the scheme they want
            return f"{head}: the server asks for Digest credentials, not the ones sent; add --auth digest"
        if auth_given:
            return f"{head}: the server refused the credentials in {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}"
        return f"{head}: the server needs credentials; set {ENV_USER} and {ENV_PASSWORD} (basic or --auth digest), or {ENV_TOKEN} (bearer)"
    if status == 403:
        return f"{head}: the server does not allow this {action} (read-only, or the user lacks the right){_said(detail)}"
    if status == 404:
        return f"{head}: nothing answers at this address; check the URL{_said(detail)}"
    if status == 405:
        return f"{head}: the address does not accept this {action}; is it the right endpoint, and writable?{_said(detail)}"
    if status == 413:
        return f"{head}: the {action} is larger than the server accepts; raise its request size limit{_said(detail)}"
    if status >= 500:
        return f"{head}: the server failed; see its log{_said(detail)}"
    return f"{head}{_said(detail)}"


def reason_text(response: httpx.Response) -> str:
    """The store's reason for an error as plain text: an HTML error page is reduced to its words."""
    text = response.text
    if not text.strip():
        return ""
    if "html" in response.headers.get("content-type", "").lower() or re.match(
        r"\s*<(!doctype|html)", text, re.I
    ):
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))
    return " ".join(text.split())


def _sent_digest(response: httpx.Response) -> bool:
    """Whether the refused request carried Digest credentials (httpx retries with them after a challenge)."""
    return response.request.headers.get("authorization", "").lower().startswith("digest")


def _said(detail: str) -> str:
    return f" (the server said: {detail})" if detail else ""


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    return one_line(str(exc), 120) or "no connection"
