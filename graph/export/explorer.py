"""The explorer page as an export: the page of :mod:`graph.explorer.page`, with the analysis's scores."""

from __future__ import annotations

from pathlib import Path

from graph.analysis import centrality
from graph.explorer import page
from graph.model.graph import KnowledgeGraph


def write_html(graph: KnowledgeGraph, path: Path) -> None:
    """The explorer page, with each entity's community and scores for its colour mode and ranking panel."""
    scores = {
        e.iri: {
            "community": e.community,
            "pagerank": e.pagerank,
            "betweenness": e.betweenness,
            "degree": e.degree,
        }
        for e in centrality.analyze(graph).entities
    }
    page.write_html(graph, path, scores)
