"""The explorer page: self-contained, its CSP allows only its own scripts, data embedded safely, pyvis pitfalls avoided."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

import graph
from graph.explorer import page as html
from graph.explorer.statements import explorer_data
from tests.conftest import EV, EV2, GOOD_ROWS
from tests.support.explorer_fixtures import INJECTIONS, write_injection_dataset, write_small_dataset


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each script and style element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_data(self, data):
        if self._open and self._open[0] == "script":
            self.scripts.append((self._open[1], data))
        elif self._open:
            self.styles.append(data)
        self._open = None


def _parse(page: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(page)
    return parsed


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    kg = graph.build([write_small_dataset(tmp_path_factory.mktemp("small"))], shapes=None)
    return kg, html.render(kg)


@pytest.fixture(scope="module")
def evil_page(tmp_path_factory):
    csv, vocabulary = write_injection_dataset(tmp_path_factory.mktemp("evil"))
    return html.render(graph.build([csv], vocabulary=vocabulary))


def _data(page: str) -> dict:
    (_, text) = next((attrs, text) for attrs, text in _parse(page).scripts if attrs.get("id") == "graph-data")
    return json.loads(text)


def test_csp_allows_exactly_the_pages_own_scripts_and_no_network(small_page):
    _, page = small_page
    parsed = _parse(page)
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    executable = [text for attrs, text in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2  # vis-network and the explorer; no other script, no src=
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in executable
    }
    assert set(directives["script-src"].split()) == hashes
    style_hash = base64.b64encode(hashlib.sha256(parsed.styles[0].encode()).digest()).decode()
    assert directives["style-src"] == f"'sha256-{style_hash}'"
    assert "unsafe" not in csp and "http" not in csp and "*" not in csp
    assert not any(
        "src" in attrs or "href" in attrs for tag, attrs in parsed.tags if tag in ("script", "link")
    )
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)


def test_page_is_utf8_and_self_contained(small_page, tmp_path):
    kg, _ = small_page
    html.write_html(kg, tmp_path / "graph.html")
    page = (tmp_path / "graph.html").read_bytes().decode("utf-8")  # raises unless UTF-8
    assert "甬江实验室" in page and '<meta charset="utf-8">' in page
    # outside the data and vis-network's licence comments, the page names no address at all
    parsed = _parse(page)
    own = page
    for _, text in parsed.scripts[:2]:  # the JSON data and vis-network
        own = own.replace(text, "")
    for needle in ("http:", "https:", "ftp:", "wss:", "www.", "<link", "<iframe", "<img", " src=", " href="):
        assert needle not in own.lower(), needle
    assert "url(" not in parsed.styles[0] and "@import" not in parsed.styles[0]


def test_nodes_and_edges_carry_layout_size_class_and_fact(small_page):
    kg, page = small_page
    data = _data(page)
    entities = [e[0].rsplit("/", 1)[1] for e in data["entities"]]
    assert sorted(entities) == ["city", "lab", "zone"]
    nodes = {entities[n["id"]]: n for n in data["nodes"]}
    assert all({"x", "y", "value", "shape", "group", "label"} <= set(n) for n in nodes.values())
    assert nodes["zone"]["value"] > nodes["city"]["value"]  # PageRank: the zone has the most links
    # a->b and b->a stay two directed edges (an undirected pyvis Network would merge them)
    pairs = sorted((entities[e["from"]], entities[e["to"]]) for e in data["edges"])
    assert pairs == [("lab", "zone"), ("zone", "lab")]
    assert all(e["arrows"] == "to" for e in data["edges"])
    for edge in data["edges"]:
        fact = data["facts"][edge["fact"]]
        assert data["terms"][fact[1]][:3] == ["schema:location", "所在地", "location"]
    classes = {data["terms"][c[0]][0]: c[3] for c in data["classes"]}
    assert classes == {"kg:HighTechZone": 1, "kg:Laboratory": 1, "schema:Place": 1}


def test_facts_carry_unit_approximation_qualifiers_and_evidence(small_page):
    _, page = small_page
    data = _data(page)
    terms = [t[0] for t in data["terms"]]
    by_property = {terms[f[1]]: f for f in data["facts"]}
    rank = by_property["kg:rank"]
    assert rank[2] == {"number": "10"}
    qualifiers = {terms[p]: v for p, v in rank[6]}
    assert qualifiers["kg:outOf"] == {"number": "178"}
    assert data["entities"][qualifiers["kg:assessor"]][0].endswith("/city")
    quote, section = data["evidence"][rank[3][0]]
    assert quote == "宁波高新区在全国178家高新区中排名第10。" and data["sections"][section][0] == "event-5"
    assert terms[by_property["kg:researcherCount"][5]] == "kg:Over"


def test_missing_labels_fall_back_to_the_other_language(small_page):
    _, page = small_page
    data = _data(page)
    city = next(i for i, e in enumerate(data["entities"]) if e[0].endswith("/city"))
    assert data["entities"][city][1:3] == ["", "Ningbo"]
    assert next(n for n in data["nodes"] if n["id"] == city)["label"] == "Ningbo"


def test_same_graph_same_bytes(small_page):
    kg, page = small_page
    assert html.render(kg) == page


def test_markup_in_the_data_never_reaches_the_page_as_markup(evil_page):
    parsed = _parse(evil_page)
    assert len(parsed.scripts) == 3 and [t for t, _ in parsed.tags].count("script") == 3
    assert not {"img", "iframe", "svg", "b", "a"} & {t for t, _ in parsed.tags}
    for text in INJECTIONS.values():
        if "<" in text:
            assert text not in evil_page
    # the texts are all there, intact, for the page's script to show as text
    data = _data(evil_page)
    blob = json.dumps(data, ensure_ascii=False)
    for key in ("label_zh", "label_en", "alias", "other_label", "description", "homepage", "sentence"):
        assert json.dumps(INJECTIONS[key], ensure_ascii=False)[1:-1] in blob, key
    title = re.search(r"<title>(.*?)</title>", evil_page).group(1)
    assert title == "&lt;script&gt;alert(10)&lt;/script&gt;标题"


def test_the_fact_table_lists_the_facts_of_explorer_data_in_its_order(write_csv):
    """The page tables the facts from the statement nodes themselves: the same facts, values,
    qualifiers and evidence as :func:`explorer_data`, in its order, also for one triple stated twice
    (told apart by statement IRI) and a statement node the CSV gives triples of its own."""
    rows = [
        *GOOD_ROWS,
        f"r2,zone,kg:rank,10,,,,,{EV}",
        f",#r2,kg:outOf,177,,,,,{EV}",
        f"r1,zone,kg:rank,10,,,,,{EV}",
        f",#r1,kg:outOf,178,,,,,{EV}",
        f"r3,lab,kg:rank,3,,,,,{EV2}",
        f",<https://example.org/ningbo-kg/statement/r3>,rdfs:label,the rank,,en,,,{EV2}",
    ]
    kg = graph.build([write_csv(rows)], shapes=None)
    assert "blocks" in [kind for kind, _ in kg.table.segments()]
    data = html.page_data(kg)
    entities, terms = [e[0] for e in data["entities"]], [t[0] for t in data["terms"]]
    shorten = kg.facts.vocabulary.shorten

    def shown(value):
        if isinstance(value, int):
            return entities[value]
        if isinstance(value, dict):
            return terms[value["term"]] if "term" in value else value["number"]
        return value[0] if isinstance(value, (list, tuple)) else value

    def text(value):
        return shorten(value.text) if value.datatype == "iri" else value.text

    found = [
        (
            entities[f[0]],
            terms[f[1]],
            shown(f[2]),
            [data["evidence"][e][0] for e in f[3]],
            [(terms[p], shown(v)) for p, v in f[6]],
        )
        for f in data["facts"]
    ]
    expected = [
        (
            f.subject,
            shorten(f.predicate),
            text(f.value),
            [e.quote for e in f.evidence],
            [(shorten(p), text(v)) for p, v in f.qualifiers],
        )
        for f in explorer_data(kg).facts
    ]
    assert found == expected
    ranks = [qualifiers for _, predicate, _, _, qualifiers in found if predicate == "kg:rank"]
    assert ("rdfs:label", "the rank") in ranks[0] and [q[0][1] for q in ranks[1:]] == ["178", "177"]
