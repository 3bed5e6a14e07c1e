"""The graph explorer: one self-contained, offline HTML page, with every script and style inline.

The nodes and edges are vis-network's, as pyvis's directed ``Network`` makes them (so a->b and
b->a stay two edges), with positions and sizes computed here, then rendered through our own
template (``static/graph.html``); vis-network's script comes from the pyvis package. pyvis's own
code is not used: its templates link Bootstrap and vis-network from a CDN and insert text
unescaped, its ``write_html`` uses the platform encoding, and importing it (with jinja2 and
IPython) took a quarter of the article's build.

Safety: the data goes into a ``<script type="application/json">`` with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, so no text can close the element; the page's script puts every
text in with ``textContent``; and the Content-Security-Policy allows only the page's own two
scripts (by their SHA-256), so injected markup, inline handlers and ``javascript:`` URLs do not run,
and no request of any kind can leave the page.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import networkx as nx
from rdflib import XSD, URIRef

from graph.explorer.layout import layout
from graph.explorer.network import importance, network_view
from graph.explorer.statements import Statement, StatementView, section_order, section_titles, statement_view
from graph.model.dataset import dataset_titles
from graph.model.graph import KnowledgeGraph
from graph.web import csp_hash, embed_json, fill

LAYOUT_SEED = 20241223  # fixed, so the layout is the same at every build
LARGE_GRAPH = 2000  # from this many nodes the page draws for speed: no hover, links hidden while moving
# Okabe-Ito and Tableau colours: distinguishable, also for most colour-blind readers
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]
RANKED = 30  # entities in the ranking panel
SHAPES = ["dot", "diamond", "square", "triangle", "star", "triangleDown", "hexagon"]
UNIT_SYMBOLS = {
    "percent": "%",
    "per-mille": "‰",
}  # units written as a symbol after the figure (by skos:notation)
NUMBER_TYPES = {
    str(XSD[name])
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte", "positiveInteger",
        "nonNegativeInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
        "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_SCRIPT_CLOSE = re.compile("</(script)", re.IGNORECASE)


def page_data(graph: KnowledgeGraph, scores: dict[str, dict] | None = None) -> dict:
    """Everything the page's script reads, as JSON-ready data (see ``static/explorer.js``): lists,
    tuples and dicts, except that the nodes and edges are :class:`_Rows` of tuples, whose objects
    the page's writer makes (:func:`_page_pieces`).

    Nodes and edges are pyvis's; the tables beside them (terms, classes, sections, evidence,
    entities, facts) refer to each other by index to keep a 20,000-node page small. ``scores``
    (entity IRI -> community, pagerank, betweenness, degree, from :mod:`graph.analysis.centrality`)
    gives the page its colour-by-community mode and its ranking panel.
    """
    network = network_view(graph)
    view = statement_view(graph)
    rank = importance(network)
    positions = layout(network, rank, LAYOUT_SEED)
    terms = _TermTable(graph.facts.vocabulary)
    entity_ids = {node: i for i, node in enumerate(network.nodes)}
    classes, class_of = _class_table(network, terms)
    links = {statement for _, _, statement in network.edges(keys=True)}
    facts, evidence, sections, fact_of_statement = _fact_tables(view, entity_ids, terms, links)
    del links
    titles = section_titles(view.entities)

    # vis-network's nodes and edges, as pyvis's add_node and add_edge make them, kept as tuples and
    # made into objects a slice at a time as the page is written (:class:`_Rows`); the entities as
    # tuples, which JSON prints as lists
    nodes = _Rows(_node_object)
    edges = _Rows(_edge_object)
    entities = []
    scale = len(network) or 1
    groups = [f"c{number}" for number in range(len(classes))]
    for node, attributes in network.nodes(data=True):
        i, x, y = entity_ids[node], *positions.get(node, (0.0, 0.0))
        number = class_of[node]
        entities.append(
            (
                attributes["iri"],
                attributes["label_zh"],
                attributes["label_en"],
                tuple([a for a in attributes["aliases"].split("|") if a]),
                number,
            )
        )
        nodes.append(
            (
                i,
                attributes["label_zh"] or attributes["label_en"] or attributes["key"] or i,
                SHAPES[number % len(SHAPES)],
                groups[number],
                x,
                y,
                round((rank.get(node, 0.0) * scale) ** 0.5, 3),  # vis scales size and label by it
            )
        )
    for j, (source, target, smooth, statement) in enumerate(_edges_with_curves(network)):
        # directed: a->b and b->a stay two edges, each with an arrow
        edges.append((j, fact_of_statement[statement], smooth, entity_ids[source], entity_ids[target]))

    analysis = {}
    if scores:
        analysis = {
            # [community of each entity]; [[entity, pagerank, betweenness, degree]] highest PageRank first
            "community": [scores.get(node, {}).get("community", -1) for node in network.nodes],
            "ranking": [
                [entity_ids[node], s["pagerank"], s["betweenness"], s["degree"]]
                for node, s in sorted(scores.items(), key=lambda item: (-item[1]["pagerank"], item[0]))
                if node in entity_ids
            ][:RANKED],
        }
    return {
        "meta": {"title": _titles(graph), "large": len(network) >= LARGE_GRAPH},
        "analysis": analysis,
        "terms": terms.rows,
        "classes": classes,
        "sections": [[code, *_pair(titles.get(code, {}))] for code in sections],
        "evidence": evidence,
        "entities": entities,
        "facts": facts,
        "nodes": nodes,
        "edges": edges,
    }


def _class_table(network: nx.MultiDiGraph, terms: _TermTable) -> tuple[list[list], dict[str, int]]:
    """[class term, colour, shape, count] per class, most frequent first; and each node's class number."""
    counts = Counter(attributes["type"] for _, attributes in network.nodes(data=True))
    order = sorted(counts, key=lambda name: (-counts[name], name))
    number = {name: i for i, name in enumerate(order)}
    table = [
        [
            terms.index(_class_iri(terms.vocabulary, name)) if name else -1,
            PALETTE[i % len(PALETTE)],
            SHAPES[i % len(SHAPES)],
            counts[name],
        ]
        for i, name in enumerate(order)
    ]
    return table, {node: number[attributes["type"]] for node, attributes in network.nodes(data=True)}


def _fact_tables(
    view: StatementView, entity_ids: dict[str, int], terms: _TermTable, links: set[str]
) -> tuple[list[tuple], list[list], list[str], dict[str, int]]:
    """The facts about the drawn entities and the evidence sentences they share, as index tables;
    the sections of the evidence of every fact about an entity, in document order; and the fact
    number of each statement of ``links`` (the statements the network draws as links).

    Made from the statement nodes themselves (no fact object per statement): the facts in the
    order of (subject, predicate, value, statement IRI), each term and sentence numbered at its
    first use in that order.
    """
    is_entity, evidence_node = view.is_entity, view.evidence
    # (subject, predicate, value, place in IRI order, the statement's fact or node) of each fact to
    # table: a statement node is made again from its fact when tabled rather than held meanwhile
    found: list[tuple | None] = []
    codes: set[str] = set()
    for n, (statement, source) in enumerate(view.statements_and_sources()):
        subject = statement.subject
        if not is_entity(subject):
            continue
        for node in statement.evidence:
            if section := evidence_node(node).section:
                codes.add(section)
        if subject in entity_ids:
            found.append((subject, statement.predicate, statement.object[1], n, source))
    found.sort()  # the statements come in IRI order: n orders the facts as their IRIs would
    sections = sorted(codes, key=section_order)
    section_index = {code: i for i, code in enumerate(sections)}
    evidence: list[list] = []
    evidence_index: dict[tuple, int] = {}

    def evidence_of(quote: str, section: str) -> int:
        if (quote, section) not in evidence_index:
            evidence_index[(quote, section)] = len(evidence)
            evidence.append([quote, section_index.get(section, -1)])
        return evidence_index[(quote, section)]

    def value_of(text: str, entity: bool, datatype: str, language: str):
        if entity and text in entity_ids:
            return entity_ids[text]
        if datatype == "iri":
            return {"term": terms.index(text)}
        if datatype in NUMBER_TYPES:
            return {"number": text}
        return [text, language] if language else text

    facts: list[list] = []
    fact_of_statement: dict[str, int] = {}
    for i, entry in enumerate(found):
        found[i] = None  # read no more: its memory goes to the fact's row
        source = entry[-1]
        statement = source if isinstance(source, Statement) else view.statement(source)
        nodes = statement.evidence
        if len(nodes) == 1:  # most statements: nothing to sort
            sentences = (evidence_node(nodes[0]),)
        else:
            sentences = sorted(
                {evidence_node(node) for node in nodes}, key=lambda e: (section_order(e.section), e.quote)
            )
        qualifiers = sorted((item[0], *_value(*item[1:], is_entity)) for item in statement.qualifiers)
        if statement.iri in links:  # only these are looked up: the others' IRIs are freed
            fact_of_statement[statement.iri] = i
        # tuples, which JSON prints as lists: a fact without qualifiers shares the empty tuple
        facts.append(
            (
                entity_ids[statement.subject],
                terms.index(statement.predicate),
                value_of(*_value(*statement.object, is_entity)),
                tuple([evidence_of(e.quote, e.section) for e in sentences]),
                terms.index(statement.unit) if statement.unit else -1,
                terms.index(statement.approximation) if statement.approximation else -1,
                tuple([(terms.index(q[0]), value_of(*q[1:])) for q in qualifiers]),
            )
        )
    return facts, evidence, sections, fact_of_statement


def _value(
    is_literal: bool, value: str, datatype: str, language: str, is_entity
) -> tuple[str, bool, str, str]:
    """The fields of :class:`graph.explorer.statements.Value` (text, entity, datatype, language) of an
    object (``is_literal``, IRI or lexical form, datatype IRI, language), in its sort order."""
    if is_literal:
        return value, False, "" if language else datatype, language
    return (value, True, "", "") if is_entity(value) else (value, False, "iri", "")


class _TermTable:
    """Vocabulary terms (properties, classes, units ...) by index: prefixed name, zh and en labels, unit symbol."""

    def __init__(self, vocabulary) -> None:
        self.vocabulary = vocabulary
        self.rows: list[list[str]] = []
        self._index: dict[str, int] = {}
        self._notations = {str(term): code for code, term in vocabulary.units.items()}

    def index(self, iri: str) -> int:
        found = self._index.get(iri)
        if found is None:
            labels = self.vocabulary.labels(URIRef(iri))
            symbol = UNIT_SYMBOLS.get(self._notations.get(iri, ""), "")
            found = self._index[iri] = len(self.rows)
            self.rows.append([self.vocabulary.shorten(iri), *_pair(labels), symbol])
        return found


def _class_iri(vocabulary, name: str) -> str:
    """The IRI of a class as the networkx view names it (a prefixed name, or ``<iri>``)."""
    return name[1:-1] if name.startswith("<") else vocabulary.expand(name) or name


def _pair(labels: dict[str, str]) -> list[str]:
    return [labels.get("zh", ""), labels.get("en", "")]


def _edges_with_curves(network: nx.MultiDiGraph):
    """(source, target, smooth options or None, statement) for each link; links between the same two
    nodes curve apart."""
    between: dict[frozenset, int] = defaultdict(int)
    for source, target in network.edges():
        between[frozenset((source, target))] += 1
    seen: dict[frozenset, int] = defaultdict(int)
    for source, target, key in network.edges(keys=True):
        pair = frozenset((source, target))
        if between[pair] > 1 and source != target:
            seen[pair] += 1
            smooth = {
                "smooth": {"enabled": True, "type": "curvedCW", "roundness": round(0.12 * seen[pair], 2)}
            }
        else:
            smooth = None
        yield source, target, smooth, key


class _Rows(list):
    """A long list of the page's data kept as tuples, each made into its JSON object by ``item`` only
    when the page is written, a slice at a time: a dict per node and per link of a million-row
    graph held at once took several times the memory of its tuple."""

    def __init__(self, item: Callable[[tuple], dict]) -> None:
        super().__init__()
        self.item = item


def _node_object(row: tuple) -> dict:
    """vis-network's node, from (id, label, shape, group, x, y, value)."""
    i, label, shape, group, x, y, value = row
    return {"id": i, "label": label, "shape": shape, "group": group, "x": x, "y": y, "value": value}


def _edge_object(row: tuple) -> dict:
    """vis-network's edge, from (id, fact number, smooth options or None, from, to)."""
    j, fact, smooth, source, target = row
    return {"id": j, "fact": fact, **(smooth or {}), "from": source, "to": target, "arrows": "to"}


def _titles(graph: KnowledgeGraph) -> list[str]:
    """The dataset's title in zh and en (from dataset.ttl beside the CSV, as the VoID export reads it)."""
    titles = dataset_titles(graph.facts.inputs if graph.facts else [])
    fallback = titles.get("") or "ningbo-kg"
    return [titles.get("zh", fallback), titles.get("en", fallback)]


def _template(name: str) -> str:
    return (resources.files("graph.explorer") / "static" / name).read_text(encoding="utf-8")


def _vis_network_js() -> str:
    """vis-network's script, from the pyvis package (found without importing it)."""
    folder = Path(next(iter(find_spec("pyvis").submodule_search_locations)))
    return (folder / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """No network access of any kind; only these inline scripts and styles; no inline event handlers."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(csp_hash(s) for s in scripts),
            "style-src " + " ".join(csp_hash(s) for s in styles),
            "img-src data: blob:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render(graph: KnowledgeGraph, scores: dict[str, dict] | None = None) -> str:
    """The whole page as text (``scores`` as :func:`page_data` takes them)."""
    return "".join(_page_pieces(page_data(graph, scores)))


def write_html(graph: KnowledgeGraph, path: Path, scores: dict[str, dict] | None = None) -> None:
    """Write the explorer page, as UTF-8 whatever the platform's default encoding, a piece at a time:
    the page of a million-row graph holds about 100 MB of JSON, which as one string, filled into
    the template and encoded, was held three times over."""
    with open(path, "wb") as stream:
        for piece in _page_pieces(page_data(graph, scores)):
            stream.write(piece.encode("utf-8"))


def _page_pieces(data: dict) -> Iterator[str]:
    """The page's text in pieces: the template filled around the data, and the data as
    :func:`graph.web.embed_json` with sorted keys prints it, a slice of a long list at a time."""
    # a script's text must not contain "</script"; the JSON is escaped, the two scripts are checked
    vis_js = _SCRIPT_CLOSE.sub(r"<\\/\1", _vis_network_js())
    app_js = _SCRIPT_CLOSE.sub(r"<\\/\1", _template("explorer.js"))
    style = _template("explorer.css")
    assert "</" not in style, "the style sheet must not contain '</'"
    values = {
        # the policy is our directives and base64 hashes: no double quote; its single quotes stay as they are
        "csp": html.escape(content_security_policy([vis_js, app_js], [style]), quote=False),
        "title": html.escape(data["meta"]["title"][0]),
        "style": style,
        "vis_js": vis_js,
        "app_js": app_js,
        "data": _DATA_MARK,
    }
    before, after = fill(_template("graph.html"), values).split(_DATA_MARK)
    yield before
    yield "{"
    for i, key in enumerate(sorted(data)):
        yield ("," if i else "") + embed_json(key) + ":"
        value = data[key]
        if isinstance(value, list) and len(value) > _SLICE:
            # compact JSON is the concatenation of its members' JSON: a list is printed slice by slice
            yield "["
            for start in range(0, len(value), _SLICE):
                yield ("," if start else "") + embed_json(
                    _objects(value[start : start + _SLICE], value), sort_keys=True
                )[1:-1]
            yield "]"
        else:
            yield embed_json(_objects(value, value), sort_keys=True)
    yield "}"
    yield after


def _objects(part, whole):
    """``part`` of a value of the page's data as JSON prints it: the objects of a :class:`_Rows`."""
    return list(map(whole.item, part)) if isinstance(whole, _Rows) else part


_DATA_MARK = "\x00data\x00"  # where the data goes in the filled template (no template or script holds a NUL)
_SLICE = 5000  # list members printed at a time
