"""Turtle written by Oxigraph in a process of its own, from the N-Triples file while it is being written.

On a large graph the build's two core writers cost about the same: printing N-Triples and printing
Turtle from the triple table. Oxigraph's Turtle serialiser, fed the sorted N-Triples text, writes
the same bytes as :func:`graph.export.rdf.write_turtle` (tests compare them) but in Rust and with
its own interpreter: a second core takes the Turtle while this process writes N-Triples and then
checks the shapes. The child is started afresh (not forked), so it shares none of the graph's
memory; it reads ``graph.nt`` as it grows, told by a pipe how far the file is complete.

The one input the two writers treat differently is an IRI ending in '.', whose local name Oxigraph
writes as ``\\.`` and this package writes as a full IRI (rdflib cannot read ``\\.``). The child
looks for the text ``.>`` in every piece it reads (there, not in the writing process, whose CPU is
the build's critical path: 0.15 s per million triples): if it is there, the child stops with a
failure, its output is dropped and the Turtle is written by :func:`~graph.export.rdf.write_turtle`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# what the child runs: the parent's import path first, then Oxigraph parsing the growing N-Triples
# file into its Turtle serialiser; the file is read up to the length last announced on stdin, and
# the child gives up (exit status DOTTED) at the first '.>' it reads
_CHILD = """
import io, json, os, sys
DOTTED = 3
sys.path[:] = json.loads(sys.argv[1])
import pyoxigraph as ox

class Growing(io.RawIOBase):
    def __init__(self, path):
        self.file = open(path, "rb", buffering=0)
        self.ready = 0
        self.dot = False  # the last piece read ended in '.'
    def readable(self):
        return True
    def readinto(self, buffer):
        while self.file.tell() >= self.ready:
            line = sys.stdin.buffer.readline()
            if not line:
                return 0
            self.ready = int(line)
        view = memoryview(buffer)[: self.ready - self.file.tell()]
        count = self.file.readinto(view)
        piece = view[:count].tobytes()
        if b".>" in piece or (self.dot and piece[:1] == b">"):
            os._exit(DOTTED)
        self.dot = piece[-1:] == b"."
        return count

source = io.BufferedReader(Growing(sys.argv[2]), 1 << 20)
triples = ox.parse(source, format=ox.RdfFormat.N_TRIPLES)
ox.serialize(triples, sys.argv[3], format=ox.RdfFormat.TURTLE, prefixes=json.loads(sys.argv[4]))
"""


class OxigraphTurtle:
    """A child process writing ``turtle_path`` from ``ntriples_path``, which the caller writes and
    announces piece by piece (:meth:`written`), then :meth:`finish` es; :meth:`stop` ends it early."""

    def __init__(self, ntriples_path: Path, turtle_path: Path, prefixes: dict[str, str]):
        self.usable = True  # False once the child cannot be told more (it failed)
        self._process: subprocess.Popen | None = subprocess.Popen(
            [
                *(sys.executable, "-I", "-c", _CHILD, json.dumps(sys.path)),
                *(str(ntriples_path), str(turtle_path), json.dumps(prefixes)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._length = 0

    def written(self, piece: bytes) -> None:
        """``piece`` was appended to the N-Triples file (and flushed)."""
        self._length += len(piece)
        if not self.usable or self._process is None:
            return
        try:
            self._process.stdin.write(b"%d\n" % self._length)
            self._process.stdin.flush()
        except BrokenPipeError:  # the child failed: finish() reports it as not usable
            self.usable = False

    def finish(self) -> bool:
        """Wait for the Turtle; ``True`` when the child wrote it, ``False`` when the caller must."""
        process = self._process
        if process is None or not self.usable:
            self.stop()
            return False
        try:
            process.stdin.close()
        except BrokenPipeError:
            pass
        process.wait()
        process.stderr.close()
        self._process = None
        return process.returncode == 0

    def stop(self) -> None:
        """End the child if it still runs (what it wrote is in the staging folder, dropped with it)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stderr):
            try:
                stream.close()
            except BrokenPipeError:
                pass
