"""SHACL checked in a forked process while the caller goes on (on a large build: writing N-Triples).

The fork shares the built graph with the caller copy-on-write, so nothing is copied up front and
nothing is sent to it; it sends back only the validation results, pickled through a pipe, which
:meth:`ForkedShapes.problems` turns into problems here exactly as :func:`graph.shacl.check_shapes`
does. Whatever goes wrong in the fork (an exception, a crash, a result that cannot be read) makes
:meth:`ForkedShapes.problems` check the shapes in the calling process instead, so an error is met
and worded as it would be without the fork.

Fork it before starting any other child process or opening files the caller writes: a fork
inherits every open descriptor, and a pipe it holds open would never reach its end for a reader.
"""

from __future__ import annotations

import os
import pickle

import rdflib

from graph.errors import Problem
from graph.model.graph import KnowledgeGraph
from graph.shacl import check_shapes, shacl_results
from graph.shacl.report import results_to_problems
from graph.shacl.types import ShaclResult


class ForkedShapes:
    """``shacl_results(graph, shapes, engine)`` computed in a forked process; see the module docstring."""

    def __init__(self, graph: KnowledgeGraph, shapes: rdflib.Graph, engine: str = "auto"):
        self.graph, self.shapes, self.engine = graph, shapes, engine
        self._pid: int | None = None
        self._reader: int | None = None
        if not hasattr(os, "fork"):
            return
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the fork: never returns to the caller's code
            os.close(reader)
            _run(writer, graph, shapes, engine)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def problems(self) -> list[Problem]:
        """The problems :func:`graph.shacl.check_shapes` gives, from the fork's results when it sent them."""
        results = self.results()
        if results is None:
            return check_shapes(self.graph, self.shapes, self.engine)
        return results_to_problems(self.graph, self.shapes, results)

    def results(self) -> list[ShaclResult] | None:
        """Wait for the fork; its results, or ``None`` when the caller must check the shapes itself."""
        reader, pid = self._reader, self._pid
        if reader is None or pid is None:
            return None
        self._reader = self._pid = None
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()  # read before waiting: a large result fills the pipe
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
            return None
        try:
            results = pickle.loads(data)
        except Exception:  # noqa: BLE001 - any unreadable answer: the caller checks again itself
            return None
        return results if isinstance(results, list) else None

    def stop(self) -> None:
        """End the fork if it still runs (the caller gave up)."""
        reader, pid = self._reader, self._pid
        self._reader = self._pid = None
        if reader is not None:
            os.close(reader)
        if pid is not None:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _run(writer: int, graph: KnowledgeGraph, shapes: rdflib.Graph, engine: str) -> None:
    """In the fork: check the shapes, send the pickled results, and leave without running any of the
    caller's exit handlers or flushing its buffers (they belong to the caller)."""
    code = 1
    try:
        data = pickle.dumps(shacl_results(graph, shapes, engine), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as stream:
            stream.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 - the caller checks the shapes again and reports it
        pass
    finally:
        os._exit(code)
