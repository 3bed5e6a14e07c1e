"""``kg serve`` as a real process: the protocol, result formats, the page, and what it must refuse."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import ROOT
from tests.support.servers import KG, kg_serve, listener

GRAPH_NT = ROOT / "exports" / "graph.nt"
QUERIES = ROOT / "tests" / "support" / "queries"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """The default, read-only endpoint over the built graph."""
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    with kg_serve("--rdf", str(GRAPH_NT), "--queries", str(QUERIES), log=log) as url:
        yield url


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """One worker, a 1 s time limit, at most 5 rows, and CORS."""
    log = tmp_path_factory.mktemp("strict") / "stderr.log"
    with kg_serve(
        "--rdf", str(GRAPH_NT), "--timeout", "1", "--workers", "1", "--max-rows", "5", "--cors", log=log
    ) as url:
        yield url


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    log = tmp_path_factory.mktemp("writable") / "stderr.log"
    with kg_serve("--rdf", str(GRAPH_NT), "--allow-updates", log=log) as url:
        yield url


def post_query(url: str, query: str, accept: str | None = None, **kwargs) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-query"}
    if accept:
        headers["Accept"] = accept
    return httpx.post(f"{url}/sparql", content=query.encode(), headers=headers, timeout=30, **kwargs)


def triple_count() -> int:
    return sum(1 for line in GRAPH_NT.read_text(encoding="utf-8").splitlines() if line.strip())


# --- the protocol --------------------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(endpoint):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answers = [
        httpx.get(f"{endpoint}/sparql", params={"query": query}, timeout=30),
        httpx.post(f"{endpoint}/sparql", data={"query": query}, timeout=30),
        post_query(endpoint, query),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == triple_count()


@pytest.mark.parametrize(
    "query, accept",
    [
        ("SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 3", None),  # answered by the server itself
        (
            "SELECT (<relative> AS ?r) (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "text/csv",
        ),  # a worker; the base IRI
        ("SELECT ?x WHERE { ?x ?p }", None),  # 400
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png"),  # 406
    ],
)
def test_a_get_takes_the_short_path_and_answers_as_the_full_path_does(endpoint, query, accept):
    """A GET of /sparql skips the middleware layers; a POST form takes them: the answers are the same."""
    headers = {"Accept": accept} if accept else {}
    short = httpx.get(f"{endpoint}/sparql", params={"query": query}, headers=headers, timeout=30)
    full = httpx.post(f"{endpoint}/sparql", data={"query": query}, headers=headers, timeout=30)
    assert (short.status_code, short.content) == (full.status_code, full.content)
    timing_may_differ = {"date", "server-timing"}
    assert [(k, v) for k, v in short.headers.items() if k not in timing_may_differ] == [
        (k, v) for k, v in full.headers.items() if k not in timing_may_differ
    ]
    assert short.headers["x-content-type-options"] == "nosniff"


def _raw_exchange(url: str, data: bytes, responses: int) -> list[bytes]:
    """Send ``data`` on one connection and read ``responses`` whole responses (Content-Length framed)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    answers, buffer = [], b""
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(data)
        while len(answers) < responses:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                assert chunk, f"the server closed after {len(answers)} responses"
                buffer += chunk
            head_end = buffer.index(b"\r\n\r\n") + 4
            length = int(re.search(rb"(?im)^content-length: *([0-9]+)", buffer[:head_end]).group(1))
            while len(buffer) < head_end + length:
                chunk = sock.recv(65536)
                assert chunk
                buffer += chunk
            answers.append(buffer[: head_end + length])
            buffer = buffer[head_end + length :]
    return answers


def _without_timing(response: bytes) -> bytes:
    return re.sub(rb"(?im)^(date|server-timing): [^\r]*\r\n", b"", response)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 3",  # answered by the server itself
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # a worker
        "SELECT ?x WHERE { ?x ?p }",  # 400
    ],
)
def test_a_plain_get_answered_in_the_protocol_has_the_bytes_of_the_asgi_path(endpoint, query):
    """A plain GET head is answered by the HTTP protocol itself; the same GET with one more header
    goes through uvicorn's cycle and the app: the responses are the same bytes (but for the clock)."""
    host = endpoint.split("//", 1)[1].split("/", 1)[0]
    target = f"/sparql?{urlencode({'query': query})}"
    plain = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: application/sparql-results+json\r\n\r\n"
    unusual = plain.replace("\r\n\r\n", "\r\nX-Unusual: 1\r\n\r\n")
    (short,) = _raw_exchange(endpoint, plain.encode(), 1)
    (full,) = _raw_exchange(endpoint, unusual.encode(), 1)
    assert _without_timing(short) == _without_timing(full)
    assert b"\r\nserver-timing: " in short and b"\r\ndate: " in short


def test_pipelined_and_closing_plain_gets_are_answered_in_order(endpoint):
    """Requests sent together on one connection are answered in the order sent, whichever path each
    takes; a GET asking to close the connection gets its answer, then the close."""
    host = endpoint.split("//", 1)[1].split("/", 1)[0]
    queries = [f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n}" for n in (1, 2, 3)]
    heads = [f"GET /sparql?{urlencode({'query': q})} HTTP/1.1\r\nHost: {host}\r\n\r\n" for q in queries]
    heads[1] = heads[1].replace("\r\n\r\n", "\r\nX-Unusual: 1\r\n\r\n")  # the ASGI path, between two
    answers = _raw_exchange(endpoint, "".join(heads).encode(), 3)
    for n, answer in zip((1, 2, 3), answers, strict=True):
        body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
        assert len(body["results"]["bindings"]) == n
    closing = heads[0].replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n").encode()
    (answer,) = _raw_exchange(endpoint, closing, 1)
    assert answer.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close\r\n" in answer


def test_vocabulary_prefixes_are_declared(endpoint):
    response = post_query(endpoint, "ASK { ?zone kg:rank 10 }")
    assert response.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_by_content_negotiation(endpoint, accept, media_type):
    response = post_query(
        endpoint, "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 3", accept
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type != "text/csv":  # Oxigraph reads every results format but CSV, which loses term types
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        solutions = list(ox.parse_query_results(response.content, format=fmt))
        assert len(solutions) == 3
    else:
        assert response.text.splitlines()[0] == "s,label" and len(response.text.splitlines()) == 4


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
)
def test_construct_results_by_content_negotiation(endpoint, accept):
    query = "CONSTRUCT { ?s kg:rank ?r } WHERE { ?s kg:rank ?r }"
    response = post_query(endpoint, query, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    triples = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(accept)))
    ranks = [
        q
        for q in ox.parse(path=str(GRAPH_NT), format=ox.RdfFormat.N_TRIPLES)
        if q.predicate.value.endswith("vocab#rank")
    ]
    assert ranks and len(triples) == len(ranks)
    assert {t.subject for t in triples} == {q.subject for q in ranks}


def test_a_format_nobody_can_write_is_406(endpoint):
    response = post_query(endpoint, "ASK {}", "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


@pytest.mark.parametrize(
    ("method", "headers", "body", "status"),
    [
        ("PUT", {}, b"", 405),
        ("POST", {"Content-Type": "text/plain"}, b"ASK {}", 415),
        ("POST", {}, b"ASK {}", 415),
        (
            "POST",
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
            "ASK {}".encode("utf-16"),
            415,
        ),
        ("POST", {"Content-Type": "application/sparql-query"}, b"\xff\xfeASK {}", 400),
        (
            "POST",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"query=ASK%20%7B%7D&query=ASK%20%7B%7D",
            400,
        ),
        ("GET", {}, b"", 400),
    ],
    ids=["put", "text-plain", "no-type", "utf-16", "not-utf8", "two-queries", "no-query"],
)
def test_malformed_requests_get_a_4xx_with_a_message(endpoint, method, headers, body, status):
    response = httpx.request(method, f"{endpoint}/sparql", headers=headers, content=body, timeout=30)
    assert response.status_code == status
    assert response.text.strip() and "\n" not in response.text.strip()


def test_syntax_error_is_400_with_line_and_column(endpoint):
    response = post_query(endpoint, "SELECT * WHERE {\n  ?s ?p }")
    assert response.status_code == 400
    assert "line 2" in response.text and "column" in response.text


def test_body_over_the_limit_is_413(endpoint):
    response = post_query(endpoint, "ASK {}" + " " * 1_100_000)
    assert response.status_code == 413


# --- what a read-only endpoint refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "CLEAR ALL"}},
        {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"params": {"update": "CLEAR ALL"}, "method": "GET"},
    ],
    ids=["form", "direct", "get"],
)
def test_updates_are_refused_with_403(endpoint, request_kwargs):
    method = request_kwargs.pop("method", "POST")
    response = httpx.request(method, f"{endpoint}/sparql", timeout=30, **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    still = post_query(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    assert int(still["results"]["bindings"][0]["n"]["value"]) == triple_count()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?q ?r }} }} }} LIMIT 1",
        "ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?q ?r }} }} }}",
        "SELECT * {{ {{ SELECT ?s {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * {{ BIND(<http://127.0.0.1:{port}/> AS ?svc) SERVICE ?svc {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
    ids=[
        "service",
        "silent",
        "optional",
        "exists",
        "subquery",
        "variable",
        "construct",
        "from",
        "from-named",
    ],
)
def test_service_and_outside_graphs_are_refused_before_any_connection(endpoint, template):
    with listener() as (port, connections):
        response = post_query(endpoint, template.format(port=port))
        assert response.status_code == 400
        assert "refused" in response.text or "does not hold" in response.text
        assert connections() == 0


def test_dataset_parameters_naming_an_outside_graph_are_refused(endpoint):
    with listener() as (port, connections):
        response = httpx.get(
            f"{endpoint}/sparql",
            params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"http://127.0.0.1:{port}/g"},
            timeout=30,
        )
        assert response.status_code == 400 and "does not hold" in response.text
        assert connections() == 0


def test_load_is_refused_even_when_updates_are_allowed(writable):
    with listener() as (port, connections):
        for update in (
            f"LOAD <http://127.0.0.1:{port}/data.ttl>",
            "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>",
        ):
            response = httpx.post(f"{writable}/sparql", data={"update": update}, timeout=30)
            assert response.status_code == 400
            assert "LOAD" in response.text and "refused" in response.text
        assert connections() == 0


def test_updates_work_with_allow_updates(writable):
    insert = 'INSERT DATA { GRAPH <urn:kg:test> { <urn:kg:a> <urn:kg:b> "c" } }'
    response = httpx.post(
        f"{writable}/sparql",
        content=insert.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=30,
    )
    assert response.status_code == 204, response.text
    assert (
        post_query(writable, "ASK { GRAPH <urn:kg:test> { <urn:kg:a> <urn:kg:b> 'c' } }").json()["boolean"]
        is True
    )
    # now the graph is held here, FROM may name it
    assert post_query(writable, "ASK FROM <urn:kg:test> { <urn:kg:a> ?p ?o }").json()["boolean"] is True


# --- limits -------------------------------------------------------------------------------------


def test_a_query_past_the_time_limit_gets_503_and_the_next_query_is_answered(strict):
    response = post_query(strict, CROSS_PRODUCT)
    assert response.status_code == 503
    assert "time limit" in response.text
    # one worker only: this answer comes from the worker that replaced the stopped one
    after = post_query(strict, "ASK { ?zone kg:rank 10 }")
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_answers_are_cut_at_max_rows_and_say_so(strict):
    response = post_query(strict, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["x-sparql-maxrows"] == "5"
    small = post_query(strict, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert len(small.json()["results"]["bindings"]) == 1 and "x-sparql-maxrows" not in small.headers


def test_cors_headers_only_when_asked(endpoint, strict):
    origin = {"Origin": "http://elsewhere.example"}
    closed = httpx.get(f"{endpoint}/sparql", params={"query": "ASK {}"}, headers=origin, timeout=30)
    assert "access-control-allow-origin" not in closed.headers
    opened = httpx.get(f"{strict}/sparql", params={"query": "ASK {}"}, headers=origin, timeout=30)
    assert opened.headers["access-control-allow-origin"] == "*"


def test_only_loopback_host_names_are_served(endpoint):
    response = httpx.get(
        f"{endpoint}/sparql", params={"query": "ASK {}"}, headers={"Host": "rebound.example"}, timeout=30
    )
    assert response.status_code == 400


# --- the Graph Store Protocol, the page, the explorer ---------------------------------------------


def test_graph_store_get_of_the_default_graph(endpoint):
    response = httpx.get(f"{endpoint}/store?default", headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    downloaded = set(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    served = ox.Store()  # Oxigraph stores literals normalised (xsd:positiveInteger as xsd:integer ...)
    served.bulk_load(path=str(GRAPH_NT), format=ox.RdfFormat.N_TRIPLES)
    assert downloaded == set(served) and len(downloaded) == triple_count()
    turtle = httpx.get(f"{endpoint}/store?default", timeout=30)
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == len(downloaded)


def test_graph_store_refuses_writes_and_unknown_graphs(endpoint):
    assert httpx.get(f"{endpoint}/store", params={"graph": "urn:nope"}, timeout=30).status_code == 404
    put = httpx.put(
        f"{endpoint}/store?default", content=b"", headers={"Content-Type": "text/turtle"}, timeout=30
    )
    assert put.status_code == 403


def test_the_page_has_the_examples_inline_and_a_strict_csp(endpoint):
    response = httpx.get(f"{endpoint}/", timeout=30)
    assert response.status_code == 200
    page = response.text
    assert 'href="/explorer"' in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "nothing may come from another site"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    for script in re.findall(r"<script>(.*?)</script>", page, re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    data = json.loads(
        re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1)
    )
    assert data["prefixes"]["kg"] == "https://example.org/ningbo-kg/vocab#"
    assert {example["name"] for example in data["examples"]} == {path.stem for path in QUERIES.glob("*.rq")}


def test_the_explorer_is_served_with_a_csp(endpoint):
    response = httpx.get(f"{endpoint}/explorer", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "connect-src 'none'" in response.headers["content-security-policy"]
    assert response.content == (ROOT / "exports" / "graph.html").read_bytes()


def test_serve_on_a_busy_port_is_a_one_line_error(tmp_path):
    with listener() as (port, _):
        result = subprocess.run(
            [KG, "serve", "--rdf", str(GRAPH_NT), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_stopping_the_server_removes_its_temporary_store(tmp_path):
    with kg_serve("--rdf", str(GRAPH_NT), env={"TMPDIR": str(tmp_path)}) as url:
        assert [p.name for p in tmp_path.glob("kg-serve-*")], "the store lives in a temporary folder"
        assert post_query(url, "ASK { ?zone kg:rank 10 }").json()["boolean"] is True
    assert not list(tmp_path.glob("kg-serve-*"))  # stopped with SIGTERM, it still cleans up


def test_an_update_sent_as_a_query_is_named_as_one_and_the_favicon_is_served(endpoint):
    for response in (
        post_query(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        httpx.post(f"{endpoint}/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}, timeout=30),
    ):
        assert response.status_code == 400
        assert response.text.startswith("this is an update") and "updates are refused" in response.text
    assert post_query(endpoint, "SELEC ?s WHERE {}").text.startswith(
        "syntax error"
    )  # not every error is an update
    icon = httpx.get(f"{endpoint}/favicon.svg", timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    page = httpx.get(f"{endpoint}/", timeout=30)
    nonce = page.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'content="{nonce}"' in page.text and "kg-style-nonce-placeholder" not in page.text
    assert (
        httpx.get(f"{endpoint}/", timeout=30).headers["content-security-policy"]
        != page.headers["content-security-policy"]
    )
    assert "cdn" not in page.text.lower().split("<script>")[0]  # nothing loaded from elsewhere
