"""Every default path and the base IRI.

Paths are relative to the working directory, as a user types them: ``kg build`` run in a folder
that holds ``data/triples.csv`` builds that folder's graph into its ``exports/``.
"""

from __future__ import annotations

from pathlib import Path

#: the namespace entity, statement, evidence and source IRIs are minted under (a placeholder
#: under example.org until the project has a permanent address)
DEFAULT_BASE = "https://example.org/ningbo-kg/"

_CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"

DEFAULT_CSV = Path("data/triples.csv")
DEFAULT_OUT = Path("exports")
DEFAULT_VOCABULARY = _CHECKOUT_DATA / "vocabulary.ttl"
DEFAULT_SHAPES = _CHECKOUT_DATA / "shapes.ttl"
QUERIES_DIR = _CHECKOUT_DATA / "queries"
