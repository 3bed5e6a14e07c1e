"""Peers that need libraries the project does not depend on, each run in a virtualenv of its own.

The benchmark makes each virtualenv once, under ``benchmarks/.peers/`` (ignored by git), with pip
from PyPI, and runs the peer's script (a file beside this one, which imports nothing of ours) with
that virtualenv's Python: ``PYTHON benchmarks/peers/floor.py CSV VOCABULARY OUT_DIR``.

- ``floor``: polars reads the CSV and writes the same N-Triples bytes as ``kg build``, with no
  checks and no mapping (see floor.py): the cost of reading the input and writing the output.
- ``pyoxigraph-stream``: polars makes the graph's N-Triples lines (vectorised, polars_terms.py),
  sorts them, and pyoxigraph streams them through its Turtle serialiser.
- ``pyoxigraph-bulk``: the expert pyoxigraph pipeline: the same lines bulk-loaded into a Store,
  which dumps Turtle and N-Triples.
- ``maplib``: polars computes the terms, maplib's OTTR templates make the triples
  (maplib_templates.py; the script may not be named after the package it imports).
- ``morph-kgc``: an RML mapping of plain references over DuckDB views of the rows' terms, staged once
  in Parquet (see morph-kgc.py).
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".peers"
#: peer -> the PyPI packages its virtualenv holds
PACKAGES = {
    "floor": ["polars"],
    "morph-kgc": ["morph-kgc"],
    "maplib": ["maplib>=0.20,<0.21", "polars-hash", f"pyoxigraph=={metadata.version('pyoxigraph')}"],
    "pyoxigraph-stream": ["polars", "polars-hash", f"pyoxigraph=={metadata.version('pyoxigraph')}"],
    "pyoxigraph-bulk": ["polars", "polars-hash", f"pyoxigraph=={metadata.version('pyoxigraph')}"],
}
#: peers that share a virtualenv (the same packages): peer -> the virtualenv's folder
FOLDER = {"pyoxigraph-stream": "polars-pyoxigraph", "pyoxigraph-bulk": "polars-pyoxigraph"}
#: peer -> its script beside this file, where it is not ``PEER.py``
SCRIPT = {"maplib": "maplib_templates.py"}
#: peers that build the same graph as ``kg build`` (checked equal on the smallest size)
SAME_GRAPH = {"morph-kgc", "maplib", "pyoxigraph-stream", "pyoxigraph-bulk"}


def python(peer: str, log=lambda text: None) -> Path:
    """The Python of the peer's virtualenv, made (and its packages installed) on first use."""
    folder = CACHE / FOLDER.get(peer, peer)
    executable = folder / "bin" / "python"
    ready = folder / ".installed"
    wanted = " ".join(PACKAGES[peer])
    if ready.exists() and ready.read_text() == wanted:
        return executable
    log(f"  making the {peer} virtualenv ({wanted}) under {CACHE}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True, capture_output=True)
    subprocess.run(
        [str(executable), "-m", "pip", "install", "--quiet", *PACKAGES[peer]], check=True, capture_output=True
    )
    ready.write_text(wanted)
    return executable


def command(peer: str, csv: Path, vocabulary: Path, out: Path, log=lambda text: None) -> list[str]:
    """The command that runs ``peer`` on a dataset."""
    return [
        str(python(peer, log)),
        str(HERE / SCRIPT.get(peer, f"{peer}.py")),
        str(csv),
        str(vocabulary),
        str(out),
    ]
