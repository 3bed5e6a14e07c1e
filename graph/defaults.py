"""Every default path and the base IRI, and the one rule that finds a default file.

Paths are relative to the working directory, as a user types them: ``kg build`` run in a folder
that holds ``data/triples.csv`` builds that folder's graph into its ``exports/``. The vocabulary,
the shapes and the example queries follow one rule (:func:`resolve`): the working directory's
``data/`` file when it is there, else the copy the package ships in its starter project (the one
``kg init`` writes), so ``kg`` works from an installed wheel in any folder. The facts themselves
(``data/triples.csv``) never come from the package. The rule is applied when a file is opened,
not at import, so it follows the working directory.
"""

from __future__ import annotations

from pathlib import Path

#: the namespace entity, statement, evidence and source IRIs are minted under (a placeholder
#: under example.org until the project has a permanent address)
DEFAULT_BASE = "https://example.org/ningbo-kg/"

DEFAULT_CSV = Path("data/triples.csv")
DEFAULT_OUT = Path("exports")
DEFAULT_VOCABULARY = Path("data/vocabulary.ttl")
DEFAULT_SHAPES = Path("data/shapes.ttl")
QUERIES_DIR = Path("data/queries")
# kg serve's port: not 7878, the Oxigraph server's, which a push to a local store usually targets.
DEFAULT_PORT = 8765
AUTH_SCHEMES = ("basic", "digest")  # how kg query, serve and push may log in to a store

#: the starter project the package ships (package data): ``kg init`` copies its ``data/``, and it
#: backs the defaults a working directory lacks
STARTER = Path(__file__).resolve().parent / "starter"

_SHIPPED = (DEFAULT_VOCABULARY, DEFAULT_SHAPES, QUERIES_DIR)


def resolve(path: Path | str) -> Path:
    """The file ``path`` stands for: a default ``data/`` path the working directory lacks is the package's copy.

    Any other path (one the user chose, or a default that exists here) is returned as it is.

    >>> str(resolve("my/shapes.ttl"))
    'my/shapes.ttl'
    >>> resolve(DEFAULT_SHAPES) in (DEFAULT_SHAPES, STARTER / DEFAULT_SHAPES)
    True
    """
    path = Path(path)
    if path in _SHIPPED and not path.exists():
        return STARTER / path
    return path
