"""Debian's Jena (``libapache-jena-java`` 4.5.0) for the tests: its classpath, repaired, and ``riot``.

Debian's jena-core repackages Xerces as ``xerces.*`` but leaves out two of its message bundles:

- ``xerces/impl/xpath/regex/message.properties``: without it Xerces' built-in datatypes fail to
  initialise ("internal error" in applyFacets1: the pattern facet cannot build its RegexParser). An
  empty bundle is enough; its texts are only read to report a malformed pattern, and the built-in
  patterns are well formed.
- ``xerces/impl/msg/XMLSchemaMessages.properties``: without it an ill-typed literal
  (``"x"^^xsd:integer``) crashes the parser instead of giving Jena's warning. The keys of datatype
  validation are supplied with a short text of our own.

Logging goes to slf4j-simple (stderr), so that riot's warnings and errors are seen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"
JARS = Path("/usr/share/java")
_VALIDATION_KEYS = (
    "cvc-datatype-valid.1.2.1 cvc-datatype-valid.1.2.2 cvc-datatype-valid.1.2.3 cvc-pattern-valid "
    "cvc-minInclusive-valid cvc-maxInclusive-valid cvc-minExclusive-valid cvc-maxExclusive-valid "
    "cvc-totalDigits-valid cvc-fractionDigits-valid cvc-length-valid cvc-minLength-valid "
    "cvc-maxLength-valid cvc-enumeration-valid"
).split()


def missing(what: str) -> None:
    """Skip for a tool this machine lacks; in CI, where .ci/run installs it, fail instead."""
    if IN_CI:
        pytest.fail(f"{what} (.ci/run installs it)")
    pytest.skip(what)


def jena_classpath() -> str | None:
    """Debian's Jena jars and their dependencies, one slf4j binding (slf4j-simple), or None without Jena."""
    if shutil.which("java") is None or not (JARS / "jena-arq.jar").exists():
        return None
    listing = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            "libapache-jena-java",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    packages = {
        line.strip() for line in listing.splitlines() if line and not line.startswith(" ") and "java" in line
    }
    files = subprocess.run(
        ["dpkg", "-L", *sorted(packages)], capture_output=True, text=True, timeout=60
    ).stdout
    # the other slf4j bindings and the bridges that would loop into each other
    skip = (
        "slf4j-jcl",
        "slf4j-nop",
        "slf4j-log4j",
        "slf4j-jdk",
        "slf4j-reload",
        "slf4j-migrator",
        "slf4j-ext",
        "slf4j-android",
        "jcl-over",
        "jul-to",
        "log4j-over",
    )
    chosen = {
        line
        for line in files.splitlines()
        if line.startswith(str(JARS) + "/")
        and line.endswith(".jar")
        and line.count("/") == 4
        and not line[:-4][-1].isdigit()
        and not any(name in line for name in skip)
    }
    if (JARS / "slf4j-simple.jar").exists():
        chosen.add(str(JARS / "slf4j-simple.jar"))
    return ":".join(sorted(chosen)) or None


def runnable_classpath(folder: Path) -> str | None:
    """Jena's classpath with the two missing Xerces bundles, written into ``folder``; None without Jena."""
    classpath = jena_classpath()
    if classpath is None:
        return None
    bundles = folder / "bundle" / "xerces" / "impl"
    (bundles / "xpath" / "regex").mkdir(parents=True, exist_ok=True)
    (bundles / "msg").mkdir(parents=True, exist_ok=True)
    (bundles / "xpath" / "regex" / "message.properties").write_text(
        "# supplied by the ningbo-kg tests: Debian's jena-core lacks this resource bundle\n"
    )
    (bundles / "msg" / "XMLSchemaMessages.properties").write_text(
        "# supplied by the ningbo-kg tests: Debian's jena-core lacks this resource bundle\n"
        + "".join(f"{key} = {key}: ''{{0}}'' is not a valid value of {{1}}\n" for key in _VALIDATION_KEYS)
    )
    return f"{folder / 'bundle'}{os.pathsep}{classpath}"


def riot(classpath: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Jena's ``riot`` command (``riotcmd.riot``) with ``args``; output as bytes."""
    return subprocess.run(
        ["java", "-cp", classpath, "riotcmd.riot", *args], capture_output=True, timeout=timeout
    )
