"""Run one command and print, as JSON, its wall time and its own peak RSS.

``python -m benchmarks.measure CMD ...``. This small process starts the command and reads its
peak resident set size from ``os.wait4``. It exists because a process started by a big one
inherits the big one's high-water mark until it replaces itself (Linux keeps the larger), so
the benchmark runner, which holds datasets in memory, cannot start the measured commands itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(command: list[str]) -> None:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_bytes": usage.ru_maxrss * 1024,  # kilobytes on Linux
                "exit": process.returncode,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
