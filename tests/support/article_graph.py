"""The article's graph, built once per test run, and the example queries run on it with pyoxigraph."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

import graph

ROOT = Path(__file__).resolve().parents[2]
TRIPLES = ROOT / "data" / "triples.csv"
QUERIES = ROOT / "data" / "queries"
ARTICLE = ROOT / "data" / "sources" / "000_ae5b4b592fd66ac1.txt"
ENTITY = graph.DEFAULT_BASE + "entity/"


@cache
def article_graph() -> graph.KnowledgeGraph:
    """data/triples.csv built with the default vocabulary and shapes (raises if it does not validate)."""
    return graph.build([TRIPLES])


@cache
def article_store() -> ox.Store:
    return article_graph().to_store()


def plain(term) -> str | None:
    """A result cell as text: entity key for entities, local name for vocabulary terms, value for literals."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(ENTITY):
            return iri[len(ENTITY) :]
        return iri.rsplit("#", 1)[-1] if "#" in iri else iri
    return term.value


def run_query(name: str) -> list[dict[str, str | None]]:
    """Run data/queries/<name>.rq on the article's graph; one dict per solution, in the query's order."""
    solutions = article_store().query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    variables = [v.value for v in solutions.variables]
    return [{v: plain(solution[v]) for v in variables} for solution in solutions]
