"""Run part of the export job in a second process, forked, while this one writes the rest.

The writers are pure Python: threads would take turns on one core (the GIL), a forked process
uses the second. The fork shares the built graph without copying it (pages are copied only as
they are written to; the collector is paused, so it does not touch them). The child writes its
files into the same staging folder and reports an exception back through a pipe, so an error
there is raised here and nothing is swapped in.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class SecondProcessFailed(RuntimeError):
    """The second process failed in a way that could not be sent back as its own exception."""


def can_fork() -> bool:
    """Whether this platform forks (POSIX); elsewhere everything is written in this process."""
    return hasattr(os, "fork")


@contextmanager
def in_second_process(work: Callable[[], None]) -> Iterator[None]:
    """Run ``work()`` in a forked child while the ``with`` body runs here; on leaving, wait for it and
    raise what it raised. If the body raises, the child is stopped."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code (no finally, no swap)
        os.close(read_end)
        code = 0
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            code = 1
            try:
                message = pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that does not pickle: send its text
                message = pickle.dumps(SecondProcessFailed(traceback.format_exc()))
            with open(write_end, "wb") as stream:
                stream.write(message)
        os._exit(code)
    os.close(write_end)
    finished = False
    try:
        yield
        finished = True
    finally:
        if not finished:
            os.kill(pid, signal.SIGKILL)
        with open(read_end, "rb") as stream:
            message = stream.read()
        _, status = os.waitpid(pid, 0)
    if message:
        raise pickle.loads(message)
    if status != 0:
        code = os.waitstatus_to_exitcode(status)
        raise SecondProcessFailed(f"the second export process ended with exit code {code}")
