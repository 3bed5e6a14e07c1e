"""``kg push`` and ``kg query --endpoint`` against a real Oxigraph server, and push failures one by one."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse

from graph.defaults import QUERIES_DIR
from graph.pipeline import load_store
from graph.sparql.client import RemoteError, auth_from_environment, query_endpoint
from graph.sparql.push import graph_url, guess_query_endpoint, push_ntriples, push_triples
from graph.sparql.query import example_queries, run_query
from tests.conftest import GOOD_ROWS, ROOT
from tests.support.awkward import AWKWARD
from tests.support.servers import KG, free_port, oxigraph_serve

TEST_QUERIES = ROOT / "tests" / "support" / "queries"
GRAPH_IRI = "https://example.org/ningbo-kg/graph/test"


def kg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KG, *args], cwd=ROOT, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "db") as url:
        yield url


@pytest.fixture
def read_only_oxigraph(tmp_path):
    location = tmp_path / "db"
    ox.Store(str(location))  # an empty store for serve-read-only to open
    gc.collect()
    with oxigraph_serve(location, read_only=True) as url:
        yield url


def normalised(result, query: str = "") -> object:
    """An answer as something order-free to compare: a boolean, or a sorted list of rows or triples as text.

    SPARQL leaves the order inside a GROUP_CONCAT open, so strings are compared as their sorted parts,
    split on the separators the query's GROUP_CONCATs use.
    """
    if result.form == "ask":
        return result.boolean
    if result.form == "graph":
        return sorted(str(t) for t in result.triples)
    separators = group_concat_separators(query) if query else []

    def text(term) -> str:
        if isinstance(term, ox.Literal) and separators:
            value = term.value
            for separator in separators:
                value = value.replace(separator, "\x00")
            return "\x00".join(sorted(value.split("\x00")))
        return str(term)

    return result.variables, sorted(tuple(text(term) for term in row) for row in result.solutions)


def group_concat_separators(query: str) -> list[str]:
    separators = []

    def visit(node):
        if getattr(node, "name", None) == "Aggregate_GroupConcat":
            separators.append(str(dict.get(node, "separator") or " "))

    traverse(
        prepareQuery(query, initNs={"kg": "https://example.org/ningbo-kg/vocab#"}).algebra, visitPre=visit
    )
    return separators


def test_push_then_every_example_query_answers_as_locally(oxigraph):
    pushed = kg("push", "--endpoint", f"{oxigraph}/store")
    assert pushed.returncode == 0, pushed.stderr
    store, prefixes = load_store()
    assert f"pushed {len(store)} triples to the default graph" in pushed.stderr
    assert f"the store holds {len(store)}" in pushed.stderr
    queries = example_queries(QUERIES_DIR)
    for named in queries:
        local = run_query(store, named, prefixes=prefixes)
        remote = query_endpoint(f"{oxigraph}/query", named.text, prefixes=prefixes)
        assert normalised(remote, named.text) == normalised(local, named.text), named.name
    # and the command itself, once, on a query written without PREFIX lines
    local = kg(
        "query", "SELECT ?zone ?rank WHERE { ?zone kg:rank ?rank } ORDER BY ?zone ?rank", "--format", "json"
    )
    remote = kg(
        "query",
        "SELECT ?zone ?rank WHERE { ?zone kg:rank ?rank } ORDER BY ?zone ?rank",
        "--format",
        "json",
        "--endpoint",
        f"{oxigraph}/query",
    )
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_push_into_a_named_graph_and_query_it_with_graph(oxigraph, write_csv):
    csv = str(write_csv(GOOD_ROWS))
    for _ in range(2):  # PUT replaces the graph: a second push leaves the same triples, not twice as many
        pushed = kg("push", "--data", csv, "--endpoint", f"{oxigraph}/store", "--graph", GRAPH_IRI)
        assert pushed.returncode == 0, pushed.stderr
    store, prefixes = load_store([csv])
    assert f"the store holds {len(store)}" in pushed.stderr
    for named in example_queries(TEST_QUERIES):
        local = run_query(store, named, prefixes=prefixes)
        remote = query_endpoint(f"{oxigraph}/query", named.text, prefixes=prefixes, graph=GRAPH_IRI)
        assert normalised(remote) == normalised(local), named.name
    answer = kg(
        "query",
        "located",
        "--queries",
        str(TEST_QUERIES),
        "--endpoint",
        f"{oxigraph}/query",
        "--graph",
        GRAPH_IRI,
        "-f",
        "json",
    )
    assert json.loads(answer.stdout) == {"head": {}, "boolean": True}


def test_push_keeps_datatypes_as_written():
    """The upload is made from the triples, not from a store, so xsd:positiveInteger stays as it is."""
    seen: list[bytes] = []
    with status_server({"PUT": 204}, seen) as url:
        triple = ox.Triple(
            ox.NamedNode("urn:x:a"),
            ox.NamedNode("urn:x:p"),
            ox.Literal("178", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger")),
        )
        push_triples([triple], f"{url}/store", check=False)
    assert b"positiveInteger" in seen[0]


def test_push_to_a_read_only_server_fails_in_one_line(read_only_oxigraph):
    result = kg("push", "--rdf", "exports/graph.nt", "--endpoint", f"{read_only_oxigraph}/store")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "403 Forbidden" in result.stderr and "does not allow this upload" in result.stderr


def test_push_to_a_closed_port_fails_in_one_line():
    port = free_port()
    result = kg("push", "--rdf", "exports/graph.nt", "--endpoint", f"http://127.0.0.1:{port}/store")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "cannot connect (connection refused)" in result.stderr


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "needs credentials; set KG_USER and KG_PASSWORD"),
        (403, "does not allow this upload"),
        (404, "nothing answers at this address"),
        (413, "larger than the server accepts"),
        (500, "the server failed"),
        (503, "the server failed"),
    ],
)
def test_each_error_status_has_its_own_message(status, words):
    with status_server({"PUT": status}) as url:
        with pytest.raises(RemoteError) as caught:
            push_triples([], f"{url}/store", check=False)
    message = str(caught.value)
    assert f"{url}/store?default" in message and f": {status} " in message
    assert words in message and "\n" not in message


def test_credentials_come_from_the_environment():
    seen: list[bytes] = []
    with status_server({"PUT": 401}, seen) as url:
        result = kg(
            "push",
            "--rdf",
            "exports/graph.nt",
            "--endpoint",
            f"{url}/store",
            "--no-check",
            env={"KG_TOKEN": "s3cret"},
        )
        assert result.returncode == 1 and "refused the credentials" in result.stderr
        assert seen[-1] == b"Bearer s3cret"
    basic = auth_from_environment("basic", {"KG_USER": "ann", "KG_PASSWORD": "pw"})
    with status_server({"PUT": 204}, seen) as url:
        push_triples([], f"{url}/store", check=False, auth=basic)
        assert seen[-1] == b"Basic YW5uOnB3"
    assert auth_from_environment("basic", {}) is None


def test_a_count_that_differs_from_what_was_sent_is_an_error():
    statuses = {"PUT": 204, "count": 2}
    triple = ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("1"))
    with status_server(statuses) as url:
        with pytest.raises(
            RemoteError, match="holds 2 triples in the default graph after the upload, but 1 were sent"
        ):
            push_triples([triple], f"{url}/store")
        statuses["count"] = 1
        statuses["rows"] = [[URI_A, URI_P, {"type": "literal", "value": "1"}]]
        report = push_triples([triple, triple], f"{url}/store", query_endpoint=f"{url}/query", graph="urn:g")
    assert (report.sent, report.stored, report.status) == (1, 1, 204)  # a repeated triple is sent once
    assert report.sampled == 1


URI_A, URI_P = {"type": "uri", "value": "urn:x:a"}, {"type": "uri", "value": "urn:x:p"}


def test_a_triple_the_store_rewrote_is_found_by_reading_a_sample_back():
    """The count agrees, but the store changed an IRI (as Virtuoso did to escaped prefixed names)."""
    iri = ox.NamedNode("https://example.org/src/000_a/event-5")
    triple = ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), iri)
    statuses = {"PUT": 204, "count": 1, "rows": [[URI_A, URI_P, {"type": "uri", "value": iri.value + "x"}]]}
    with status_server(statuses) as url:
        with pytest.raises(
            RemoteError,
            match="does not give back .* as sent .it holds <https://example.org/src/000_a/event-5x>",
        ):
            push_triples([triple], f"{url}/store")
        # a decimal stored as an integer of the same value is a documented normalisation, not an error
        decimal = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
        statuses["rows"] = [
            [
                URI_A,
                URI_P,
                {
                    "type": "typed-literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            ]
        ]
        report = push_triples([ox.Triple(triple.subject, triple.predicate, decimal)], f"{url}/store")
    assert report.normalised == [
        "http://www.w3.org/2001/XMLSchema#decimal stored as http://www.w3.org/2001/XMLSchema#integer"
    ]


def test_the_upload_is_ntriples_with_every_iri_in_full():
    seen: list[bytes] = []
    triple = ox.Triple(
        ox.NamedNode("https://example.org/ningbo-kg/source/000_a/event-5"),
        ox.NamedNode("urn:x:p"),
        ox.Literal("宁波", language="zh"),
    )
    with status_server({"PUT": 204}, seen) as url:
        push_triples([triple], f"{url}/sparql-graph-crud", graph="urn:g", check=False)
    assert seen[0] == f"{triple} .\n".encode()


def test_a_digest_challenge_names_the_fix():
    challenge = {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="1", qop="auth"'}
    with status_server({"PUT": 401, "headers": challenge}) as url:
        with pytest.raises(
            RemoteError,
            match="asks for Digest credentials; set KG_USER and KG_PASSWORD and add --auth digest",
        ):
            push_triples([], f"{url}/sparql-graph-crud-auth", check=False)
        basic = auth_from_environment("basic", {"KG_USER": "ann", "KG_PASSWORD": "pw"})
        with pytest.raises(
            RemoteError, match="asks for Digest credentials, not the ones sent; add --auth digest"
        ):
            push_triples([], f"{url}/sparql-graph-crud-auth", check=False, auth=basic)


def test_an_html_error_page_is_reported_as_its_text():
    page = b"<html><head><title>Error</title><style>p{}</style></head><body><h1>SR325</h1><p>Transaction&nbsp;deadlocked</p></body></html>"
    with status_server({"PUT": 500, "text": page, "type": "text/html"}) as url:
        with pytest.raises(RemoteError) as caught:
            push_triples([], f"{url}/store", check=False)
    message = str(caught.value)
    assert (
        "the server said: SR325 Transaction\xa0deadlocked" in message
        or "the server said: SR325 Transaction deadlocked" in message
    )
    assert "<" not in message


def test_query_endpoint_is_guessed_for_known_stores():
    assert guess_query_endpoint("http://h:7878/store") == "http://h:7878/query"
    assert guess_query_endpoint("http://h:3030/ds/data") == "http://h:3030/ds/query"
    assert guess_query_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert (
        guess_query_endpoint("http://h:7200/repositories/kg/rdf-graphs/service")
        == "http://h:7200/repositories/kg"
    )
    assert guess_query_endpoint("http://h/elsewhere") is None
    assert graph_url("http://h/store?x=1", "urn:g") == "http://h/store?x=1&graph=urn%3Ag"


@contextlib.contextmanager
def status_server(statuses: dict, seen: list | None = None):
    """A real HTTP server on a loopback port that answers uploads (PUT, or POST of N-Triples) with
    ``statuses['PUT']``, DELETE with ``statuses['DELETE']`` (204) and SPARQL queries with a count of
    ``statuses['count']``; it records upload bodies, or Authorization headers when given."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # a streamed upload
                parts = []
                while size := int(self.rfile.readline().split(b";")[0], 16):
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(parts)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_DELETE(self):  # the Oxigraph server's graph is cleared before the upload
            self.send_response(statuses.get("DELETE", 204))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_PUT(self):
            self.upload(self.body())

        def upload(self, body: bytes):
            if seen is not None:
                seen.append(self.headers.get("Authorization", "").encode() or body)
            self.send_response(statuses["PUT"])
            for name, value in statuses.get("headers", {}).items():
                self.send_header(name, value)
            text = statuses.get("text", b"not here\n")
            self.send_header("Content-Type", statuses.get("type", "text/plain"))
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def do_POST(self):
            if "n-triples" in self.headers.get("Content-Type", ""):  # an upload, not a query
                return self.upload(self.body())
            query = parse_qs(self.body().decode()).get("query", [""])[0]
            if "VALUES" in query:  # the read-back of a sample: answer with statuses['rows']
                names = ["s", "p", "o"]
                rows = [dict(zip(names, row, strict=True)) for row in statuses.get("rows", [])]
                document = {"head": {"vars": names}, "results": {"bindings": rows}}
            else:
                count = statuses.get("count", 0)
                integer = "http://www.w3.org/2001/XMLSchema#integer"
                document = {
                    "head": {"vars": ["n"]},
                    "results": {
                        "bindings": [{"n": {"type": "literal", "value": str(count), "datatype": integer}}]
                    },
                }
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_push_patch_applies_only_the_changes(tmp_path, write_csv):
    old = write_csv(GOOD_ROWS, name="old.csv")
    new = write_csv(
        [*GOOD_ROWS[:-1], GOOD_ROWS[-1].replace(",lab,", ",zone,").replace(",zone,,", ",lab,,")],
        name="new.csv",
    )
    with oxigraph_serve(tmp_path / "db") as url:
        assert kg("push", "--data", str(old), "--no-shapes", "--endpoint", f"{url}/store").returncode == 0
        patch = tmp_path / "changes.ru"
        made = kg("diff", str(old), str(new), "--format", "patch")
        assert made.returncode == 1, made.stderr
        patch.write_text(made.stdout, encoding="utf-8")
        applied = kg("push", "--endpoint", f"{url}/store", "--patch", str(patch))
        assert applied.returncode == 0, applied.stderr
        assert "deleted" in applied.stderr and "inserted" in applied.stderr
        remote = query_endpoint(f"{url}/query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        expected, _ = load_store([new], shapes=None)
        assert sorted(str(t) for t in remote.triples) == sorted(str(q.triple) for q in expected)


def stored_triples(url: str, graph: str | None = None) -> set[str]:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    answer = query_endpoint(f"{url}/query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", timeout=120)
    return {str(t) for t in answer.triples}


def test_non_ascii_iris_and_literals_come_back_exactly(oxigraph, tmp_path):
    source = tmp_path / "awkward.nt"
    source.write_bytes(ox.serialize(AWKWARD, format=ox.RdfFormat.N_TRIPLES))
    pushed = kg("push", "--rdf", str(source), "--endpoint", f"{oxigraph}/store", "--graph", GRAPH_IRI)
    assert pushed.returncode == 0, pushed.stderr
    # every one of them is unusual, so every one is in the sample read back
    assert (
        f"the store holds {len(AWKWARD)}, and {len(AWKWARD)} sampled triples read back match" in pushed.stderr
    )
    assert stored_triples(oxigraph, GRAPH_IRI) == {str(t) for t in AWKWARD}


def test_a_large_graph_is_streamed_and_read_back(oxigraph, tmp_path):
    """A synthetic graph of some 100,000 triples (repeated lines included), pushed twice from its file:
    the store holds exactly the file's triples, once, as an Oxigraph store of its own holds them."""
    data = tmp_path / "synth"
    assert kg("synth", "20000", "--out", str(data)).returncode == 0
    built = kg(
        "build", str(data / "triples.csv"), "--vocabulary", str(data / "vocabulary.ttl"),
        "--out", str(tmp_path / "out"), "--format", "ntriples", "-q",
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    text = (tmp_path / "out" / "graph.nt").read_bytes()
    lines = text.splitlines(keepends=True)
    source = tmp_path / "repeated.nt"
    source.write_bytes(text + b"".join(lines[::1000]))  # a file may repeat a triple; the store keeps one
    for _ in range(2):  # the second push replaces the first
        pushed = kg("push", "--rdf", str(source), "--endpoint", f"{oxigraph}/store")
        assert pushed.returncode == 0, pushed.stderr
        assert f"pushed {len(lines)} triples to the default graph" in pushed.stderr
        assert f"the store holds {len(lines)}, and 200 sampled triples read back match" in pushed.stderr
    local = ox.Store()  # normalises numbers as the server does (54.40 is kept as 54.4)
    local.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES)
    assert stored_triples(oxigraph) == {str(q.triple) for q in local}


def test_a_bad_line_late_in_the_file_fails_the_push_in_one_line(oxigraph, tmp_path):
    source = tmp_path / "late.nt"
    good = b"".join(b'<urn:x:s%d> <urn:x:p> "%d" .\n' % (i, i) for i in range(30_000))
    source.write_bytes(good + b"<urn:x:s> <urn:x:p> not-a-term .\n")
    result = kg("push", "--rdf", str(source), "--endpoint", f"{oxigraph}/store")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "late.nt: not valid N-Triples" in result.stderr and "line 30001" in result.stderr
    assert "push again" in result.stderr and "pushed" not in result.stderr


def test_a_server_that_stops_during_the_upload_fails_the_push(tmp_path):
    """The real Oxigraph server is stopped while the upload streams: the push raises one line, never reports."""
    with contextlib.ExitStack() as server:
        url = server.enter_context(oxigraph_serve(tmp_path / "db"))

        def lines():
            for start in range(0, 200_000, 10_000):
                if start == 100_000:
                    server.close()  # stops the server half way through the upload
                yield b"".join(
                    b"<urn:x:s%d> <urn:x:p> <urn:x:o> .\n" % i for i in range(start, start + 10_000)
                )

        with pytest.raises(RemoteError) as caught:
            push_ntriples(lines(), f"{url}/store")
    message = str(caught.value)
    assert "\n" not in message and "the store holds part of the graph: push again" in message
