"""Peers that need libraries the project does not depend on, each run in a virtualenv of its own.

The benchmark makes each virtualenv once, under ``benchmarks/.peers/`` (ignored by git), with pip
from PyPI, and runs the peer's script (a file beside this one, which imports nothing of ours) with
that virtualenv's Python: ``PYTHON benchmarks/peers/floor.py CSV VOCABULARY OUT_DIR``.

- ``floor``: polars reads the CSV and writes the same N-Triples bytes as ``kg build``, with no
  checks and no mapping (see floor.py): the cost of reading the input and writing the output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".peers"
#: peer -> the PyPI packages its virtualenv holds
PACKAGES = {"floor": ["polars"], "morph-kgc": ["morph-kgc"]}
#: peers that build the same graph as ``kg build`` (checked equal on the smallest size)
SAME_GRAPH = {"morph-kgc"}


def python(peer: str, log=lambda text: None) -> Path:
    """The Python of the peer's virtualenv, made (and its packages installed) on first use."""
    folder = CACHE / peer
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
    return [str(python(peer, log)), str(HERE / f"{peer}.py"), str(csv), str(vocabulary), str(out)]
