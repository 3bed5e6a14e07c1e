"""Run a Python script in fresh interpreters with different string hashing, to show that nothing
it prints follows the order of a set or dict of strings."""

from __future__ import annotations

import os
import subprocess
import sys


def outputs_under_hash_seeds(script: str, seeds: tuple[str, ...] = ("1", "2", "3")) -> set[str]:
    """The distinct standard outputs of ``python -c script`` run once per ``PYTHONHASHSEED``."""
    return {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in seeds
    }
