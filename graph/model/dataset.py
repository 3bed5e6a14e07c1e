"""The dataset's own description (title, licence, description) from ``dataset.ttl`` beside the first CSV.

The VoID export writes all of it; the explorer page shows the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import RDF, VOID, Graph, Literal
from rdflib.namespace import DCTERMS
from rdflib.term import Node

DATASET_FILE = "dataset.ttl"  # optional, beside the first CSV


def dataset_description(inputs: Sequence[Path]) -> list[tuple[Node, Node]]:
    """(predicate, object) pairs describing the dataset; without a ``dataset.ttl``, a title only.

    >>> dataset_description([Path("data/triples.csv")])[0][0] == DCTERMS.title
    True
    """
    candidate = inputs[0].parent / DATASET_FILE if inputs else None
    if candidate is None or not candidate.exists():
        title = inputs[0].stem if inputs else "knowledge graph"
        return [(DCTERMS.title, Literal(title))]
    described = Graph().parse(candidate, format="turtle")
    subject = next(iter(described.subjects(RDF.type, VOID.Dataset)), None)
    return [(p, o) for p, o in described.predicate_objects(subject) if p != RDF.type] if subject else []


def dataset_titles(inputs: Sequence[Path]) -> dict[str, str]:
    """The dataset's ``dcterms:title`` by language tag ('' for none)."""
    return {
        (o.language or ""): str(o)
        for p, o in dataset_description(inputs)
        if p == DCTERMS.title and isinstance(o, Literal)
    }
