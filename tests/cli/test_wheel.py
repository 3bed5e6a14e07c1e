"""The package as a user installs it: a wheel, not editable, in a fresh virtualenv, run outside this checkout.

The virtualenv sees the test environment's site-packages through a ``.pth`` file, so the
dependencies need no download; the package itself comes only from the wheel.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
import venv
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.support.servers import START_TIMEOUT, stop

TIMEOUT = 300  # seconds for one command; a bound, never reached when things work


def can_build_here() -> bool:
    """Whether this environment holds a build backend for ``--no-build-isolation``: setuptools 68 or later
    (pyproject.toml asks for it) with bdist_wheel, which lives in the ``wheel`` package before setuptools 70.1."""
    setuptools = tuple(int(part) for part in re.findall(r"\d+", version("setuptools"))[:2])
    return setuptools >= (70, 1) or (setuptools >= (68, 0) and find_spec("wheel") is not None)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The ``bin/`` folder of a fresh virtualenv with the wheel installed, and the environment to run it in."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    # build from a copy, so the checkout gets no build/ folder and only declared package data ships
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "graph", source / "graph", ignore=shutil.ignore_patterns("__pycache__"))
    isolation = ["--no-build-isolation"] if can_build_here() else []  # else pip fetches the backend
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        *isolation,
        str(source),
        "-w",
        str(tmp / "dist"),
    ]
    run(build, tmp, env)
    (wheel,) = (tmp / "dist").glob("ningbo_kg-*.whl")

    venv.create(tmp / "venv", with_pip=False)
    python = tmp / "venv" / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, env)
    ours = dict.fromkeys(sysconfig.get_path(name) for name in ("purelib", "platlib"))
    (Path(purelib.stdout.strip()) / "test-dependencies.pth").write_text(
        "\n".join(ours) + "\n", encoding="utf-8"
    )
    # --ignore-installed: the test environment's editable install is visible too; it must not count
    install = [
        str(python),
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
        str(wheel),
    ]
    run(install, tmp, env)
    return tmp / "venv" / "bin", env


def test_the_package_comes_from_the_wheel(installed):
    bin_dir, env = installed
    where = run(
        [str(bin_dir / "python"), "-c", "import graph; print(graph.__file__)"], bin_dir.parent.parent, env
    )
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)


def test_build_query_and_serve_a_copy_of_data(installed, tmp_path):
    bin_dir, env = installed
    shutil.copytree(ROOT / "data", tmp_path / "data")
    built = run([str(bin_dir / "kg"), "build"], tmp_path, env)
    assert "wrote 10 files to exports/" in built.stderr
    for name in ("graph.nt", "graph.ttl", "void.ttl"):  # the same graph as the checkout's own build
        assert (tmp_path / "exports" / name).read_bytes() == (ROOT / "exports" / name).read_bytes()
    listed = run([str(bin_dir / "kg"), "query", "--list"], tmp_path, env)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == sorted(
        p.stem for p in (ROOT / "data/queries").glob("*.rq")
    )
    with serving(bin_dir / "kg", tmp_path, env) as base:
        answer = httpx.get(
            f"{base}/sparql",
            params={"query": "SELECT ?rank WHERE { ?zone kg:rank ?rank ; skos:altLabel '宁波高新区'@zh }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert [b["rank"]["value"] for b in answer.json()["results"]["bindings"]] == ["10"]
        page = httpx.get(f"{base}/", timeout=60)  # the query page: the package's own static file
        assert page.status_code == 200 and "20-who-takes-part-in-event" in page.text
        explorer = httpx.get(f"{base}/explorer", timeout=60)
        assert explorer.status_code == 200 and "<html" in explorer.text.lower()


def test_init_then_build_anywhere(installed, tmp_path):
    bin_dir, env = installed
    run([str(bin_dir / "kg"), "init", "my-graph"], tmp_path, env)
    built = run([str(bin_dir / "kg"), "build"], tmp_path / "my-graph", env)
    assert "from 30 facts" in built.stderr
    listed = run([str(bin_dir / "kg"), "query", "--list"], tmp_path / "my-graph", env)
    assert "03-high-tech-zone-ranking" in listed.stdout


def test_a_folder_without_vocabulary_or_shapes_uses_the_wheel_copies(installed, tmp_path):
    bin_dir, env = installed
    run([str(bin_dir / "kg"), "init", "project"], tmp_path, env)
    for name in ("vocabulary.ttl", "shapes.ttl"):
        (tmp_path / "project" / "data" / name).unlink()
    shutil.rmtree(tmp_path / "project" / "data" / "queries")
    checked = run([str(bin_dir / "kg"), "validate"], tmp_path / "project", env)
    assert "valid: 30 facts" in checked.stderr
    listed = run([str(bin_dir / "kg"), "query", "--list"], tmp_path / "project", env)
    assert "01-entities" in listed.stdout


class serving:
    """``kg serve --port 0`` in ``cwd``; yields its base URL once announced, and always stops it."""

    def __init__(self, kg: Path, cwd: Path, env: dict[str, str]) -> None:
        self.command = [str(kg), "serve", "--host", "127.0.0.1", "--port", "0"]
        self.cwd, self.env = cwd, {**env, "PYTHONUNBUFFERED": "1"}

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while True:
                try:
                    line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    raise RuntimeError(f"kg serve did not announce itself within {START_TIMEOUT} s") from None
                if line is None:
                    raise RuntimeError(f"kg serve exited with {self.process.wait()}")
                found = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
                if found:
                    return found.group(1)
        except BaseException:
            stop(self.process)
            raise

    def __exit__(self, *exc) -> None:
        stop(self.process)
