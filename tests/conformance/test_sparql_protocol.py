"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/manifest.ttl), sent to real ``kg serve`` processes.

Each manifest entry lists HTTP requests and what their responses must be (status class, result
format, ASK answer). The harness loads the manifest's graph data as named graphs, starts the
endpoint on a free loopback port, sends each request as written (the manifest's ``/sparql/``
path is served as it is) and checks the response.

Which tests run where (also in the README):
- ``query_*`` and ``bad_*`` (27): run as written against the read-only endpoint.
- ``update_*`` (7): a read-only endpoint must refuse them, so against it each update request is
  expected to get 403 (the manifest's 2xx assumes updates are allowed).
- ``update_post_form``, ``update_post_direct``, ``update_base_uri``: run as written against an
  endpoint started with ``--allow-updates``; so do the 7 bad update tests (they must still be 4xx).
- ``update_dataset_*`` (4) use ``using-graph-uri``/``using-named-graph-uri``, which pyoxigraph's
  update API cannot apply; the endpoint refuses them with 400 rather than run the update on another
  dataset, and the harness checks that refusal instead of the manifest's 2xx.

Seven tests (six query tests and ``bad_query_method``) name ``data0.rdf`` as their dataset, a graph the manifest gives no data for (the
original suite let endpoints fetch it). This endpoint refuses graphs it does not hold, so the
harness loads every such graph with one stand-in triple of the same shape as data1-3 (``<g> a
foaf:Document``); none of those tests' answers depend on its content (``ASK {}``,
``SELECT (1 AS ?value) {}``, a DESCRIBE of an absent IRI, a CONSTRUCT of constants).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from tests.support.servers import kg_serve

W3C = Path(__file__).parent / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"

RESULTS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "text/html"},
}
# Updates with a protocol dataset: refused with 400 by design (see the module docstring).
USING_PARAMETERS = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
}


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: set[int]
    result_format: str | None = None
    boolean: bool | None = None


@dataclass
class ProtocolTest:
    id: str
    name: str
    requests: list[ProtocolRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return self.id.startswith("update_")

    def __str__(self) -> str:
        return self.id


def load_manifest(path: Path = W3C / "manifest.ttl") -> list[ProtocolTest]:
    """Every mf:ProtocolTest of the manifest, in its order."""
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = [_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests))]
        data = [
            (
                Path(str(graph.value(node, UT.graph)).removeprefix("file://")),
                str(graph.value(node, RDFS.label)),
            )
            for node in graph.objects(entry, UT.graphData)
        ]
        tests.append(
            ProtocolTest(str(entry).split("#")[-1], str(graph.value(entry, MF.name)), requests, data)
        )
    return tests


def _request(graph: Graph, node) -> ProtocolRequest:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    content = graph.value(node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = {int(str(s).split("StatusCode")[1][0]) for s in graph.objects(response, MF.expectedStatus)}
    boolean = graph.value(response, MF.expectedBoolean)
    result_format = graph.value(response, MF.expectedFormat)
    return ProtocolRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        status_classes=statuses,
        result_format=None if result_format is None else str(result_format),
        boolean=None if boolean is None else bool(boolean.toPython()),
    )


TESTS = load_manifest()
READ_ONLY_TESTS = [t for t in TESTS if not t.is_update]
UPDATE_TESTS = [t for t in TESTS if t.is_update]
BAD_UPDATE_TESTS = [t for t in TESTS if t.id.startswith("bad_") and "update" in t.id]
WRITABLE_TESTS = BAD_UPDATE_TESTS + [t for t in UPDATE_TESTS if t.id not in USING_PARAMETERS]


def write_dataset(tests: list[ProtocolTest], target: Path) -> None:
    """N-Quads holding each graph of the manifest's ut:graphData, named by its label, plus a stand-in
    triple for each graph a dataset parameter names without data (see the module docstring)."""
    store = ox.Dataset()
    held = set()
    for test in tests:
        for file, label in test.graph_data:
            name = ox.NamedNode(label)
            held.add(label)
            for quad in ox.parse(path=str(W3C / file.name), format=ox.RdfFormat.N_TRIPLES):
                store.add(ox.Quad(quad.subject, quad.predicate, quad.object, name))
    for test in tests:
        for request in test.requests:
            for key, value in parse_qsl(urlsplit(request.path).query):
                if key in ("default-graph-uri", "named-graph-uri") and value not in held:
                    held.add(value)
                    name = ox.NamedNode(value)
                    store.add(ox.Quad(name, ox.NamedNode(str(RDF.type)), ox.NamedNode(FOAF_DOCUMENT), name))
    target.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("w3c") / "protocol.nq"
    write_dataset(TESTS, path)
    return path


@pytest.fixture(scope="module")
def read_only(dataset):
    with kg_serve("--rdf", str(dataset), log=dataset.with_name("read-only.log")) as url:
        yield url


@pytest.fixture(scope="module")
def writable(dataset):
    with kg_serve("--rdf", str(dataset), "--allow-updates", log=dataset.with_name("writable.log")) as url:
        yield url


def send(base: str, request: ProtocolRequest) -> httpx.Response:
    return httpx.request(
        request.method, base + request.path, headers=request.headers, content=request.body, timeout=30
    )


def check(response: httpx.Response, request: ProtocolRequest) -> None:
    """The response is what the manifest expects: its status class, format and ASK answer."""
    where = f"{request.method} {request.path}: {response.status_code} {response.text[:300]!r}"
    assert response.status_code // 100 in request.status_classes, where
    if request.result_format is None:
        return
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    assert media_type in RESULTS[request.result_format], where
    if request.result_format == "RDF":
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        list(ox.parse(response.content, format=rdf_format))  # must parse
        return
    if media_type == "text/csv":
        assert response.text.splitlines()[0], where
        return
    answer = ox.parse_query_results(
        response.content, format=ox.QueryResultsFormat.from_media_type(media_type)
    )
    if request.result_format == "boolean":
        assert isinstance(answer, ox.QueryBoolean), where
        if request.boolean is not None:
            assert bool(answer) is request.boolean, where
    else:
        assert isinstance(answer, ox.QuerySolutions) and answer.variables, where


def test_the_manifest_is_read_whole():
    assert len(TESTS) == 34
    assert len(READ_ONLY_TESTS) == 27 and len(UPDATE_TESTS) == 7 and len(BAD_UPDATE_TESTS) == 7
    assert all(request.status_classes for test in TESTS for request in test.requests)


@pytest.mark.parametrize("test", READ_ONLY_TESTS, ids=str)
def test_read_only_endpoint(read_only, test):
    for request in test.requests:
        check(send(read_only, request), request)


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=str)
def test_read_only_endpoint_refuses_updates(read_only, test):
    update = test.requests[0]  # the update; what follows checks its effect, which must not happen
    response = send(read_only, update)
    assert response.status_code == 403, response.text


@pytest.mark.parametrize("test", WRITABLE_TESTS, ids=str)
def test_endpoint_with_updates_allowed(writable, test):
    for request in test.requests:
        check(send(writable, request), request)


@pytest.mark.parametrize("test", [t for t in TESTS if t.id in USING_PARAMETERS], ids=str)
def test_updates_with_a_protocol_dataset_are_refused_not_misapplied(writable, test):
    response = send(writable, test.requests[0])
    assert response.status_code == 400
    assert "using-graph-uri" in response.text
