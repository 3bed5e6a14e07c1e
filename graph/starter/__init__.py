"""A starter project: what ``kg init DIR`` writes, so a new graph builds from its first minute.

The starter's ``data/`` folder ships inside the package: one event of the project's article
(a few of its sentences in ``sources/``, 30 facts about them in ``triples.csv``), the generic part
of the vocabulary and the shapes, a ``dataset.ttl`` and three example queries. Its vocabulary,
shapes and queries are also the defaults of a folder that has none (see :mod:`graph.defaults`).
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from graph.defaults import STARTER
from graph.errors import InputError

__all__ = ["init_project"]

STARTER_DATA = STARTER / "data"


def init_project(path: Path | str) -> list[Path]:
    """Make a new project folder at ``path`` with the starter's ``data/``; return the files written.

    ``path`` must be new or an empty folder: anything else is refused with an :class:`InputError`
    and nothing is written. The files are copied into a hidden folder beside their place and
    renamed into it at the end, so a failure part way leaves no half-made ``data/``.

    >>> import tempfile
    >>> files = init_project(Path(tempfile.mkdtemp()) / "my-graph")
    >>> sorted(f.name for f in files if f.suffix != ".rq")
    ['dataset.ttl', 'ningbo-2024-top-ten-excerpt.txt', 'shapes.ttl', 'triples.csv', 'vocabulary.ttl']
    """
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "a folder that is not empty" if target.is_dir() else "a file"
        raise InputError(f"{target}: is {what}. Fix: give kg init a new or empty folder")
    made = _first_missing(target)  # the folder this call creates, removed again on failure
    target.mkdir(parents=True, exist_ok=True)
    staging = target / f".data-{secrets.token_hex(4)}.partial"
    try:
        # copyfile, not copy2: an installed package's files may be read-only; the copies are the user's
        shutil.copytree(STARTER_DATA, staging, copy_function=shutil.copyfile)
        staging.rename(target / "data")
    except BaseException:
        shutil.rmtree(made if made is not None else staging, ignore_errors=True)
        raise
    return sorted(p for p in (target / "data").rglob("*") if p.is_file())


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of ``path`` that does not exist yet (``None`` when ``path`` exists)."""
    missing = None
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing = folder
    return missing
