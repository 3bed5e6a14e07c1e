"""Copy the W3C SHACL test suite's core and SPARQL tests from a checkout of w3c/data-shapes.

Usage: python tests/conformance/shacl/extract.py PATH/TO/data-shapes

Replaces ``suite/`` here with ``data-shapes-test-suite/tests/{manifest.ttl,core,sparql}`` of
the checkout, unchanged; prints the commit the files come from (put it in README.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(checkout: Path) -> None:
    tests = checkout / "data-shapes-test-suite" / "tests"
    if not (tests / "manifest.ttl").is_file():
        sys.exit(
            f"{checkout}: not a checkout of w3c/data-shapes (no data-shapes-test-suite/tests/manifest.ttl)"
        )
    target = HERE / "suite"
    staging = HERE / "suite.new"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    shutil.copy2(tests / "manifest.ttl", staging / "manifest.ttl")
    for part in ("core", "sparql"):
        shutil.copytree(tests / part, staging / part, ignore=shutil.ignore_patterns("*.html", "*.md"))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # the old copy is replaced only once the new one is complete
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"copied {sum(1 for _ in target.rglob('*.ttl'))} files from commit {commit or '(unknown)'}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
