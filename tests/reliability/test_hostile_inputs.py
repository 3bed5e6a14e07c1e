"""Hostile build inputs: nothing read outside the data folder, nothing that hangs, no empty graph written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOOD_ROWS, HEADER

KG = [str(Path(sys.executable).parent / "kg")]


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KG, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60
    )


def test_a_header_only_csv_is_refused_and_replaces_nothing(write_csv, tmp_path):
    out = tmp_path / "out"
    assert kg("build", str(write_csv(GOOD_ROWS)), "--out", str(out), "-q").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = kg("build", str(write_csv([], name="empty.csv")), "--out", str(out), "-q")
    assert result.returncode == 1 and "no facts" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _row_citing(source: str, evidence: str) -> str:
    return f",zone,skos:altLabel,别名,,zh,,,{source},event-5,{evidence}"


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink"])
def test_a_source_outside_the_csv_folder_is_refused(write_csv, tmp_path, kind):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "source.txt").write_text((tmp_path / "source.txt").read_text(encoding="utf-8"), encoding="utf-8")
    cell = {"absolute": str(secret), "dotdot": f"../../{secret.name}", "symlink": "link.txt"}[kind]
    if kind == "symlink":
        (data / "link.txt").symlink_to(secret)
    csv_path = data / "facts.csv"
    csv_path.write_text(
        "\n".join([HEADER, *GOOD_ROWS, _row_citing(cell, "root:x:0:0:root:/root:/bin/bash")]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = kg("build", str(csv_path), "--out", str(out), "-q")
    assert result.returncode == 1 and "outside the CSV's folder" in result.stderr
    assert not out.exists()
    # the documented option lets a chosen folder in
    allowed = kg(
        "build",
        str(csv_path),
        "--out",
        str(out),
        "-q",
        "--no-shapes",
        env={"KG_SOURCE_ROOTS": str(tmp_path.parent)},
    )
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_source_that_is_not_a_regular_file_is_refused_at_once(write_csv, tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.txt")
        cell = "pipe.txt"
    else:
        (tmp_path / "zero.txt").symlink_to("/dev/zero")
        cell = "zero.txt"
    csv_path = write_csv([*GOOD_ROWS, _row_citing(cell, "x")])
    result = kg("build", str(csv_path), "--out", str(tmp_path / "out"), "-q", env={"KG_SOURCE_ROOTS": "/dev"})
    assert result.returncode == 1 and "not a regular file" in result.stderr


def test_a_csv_that_is_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "facts.csv")
    result = kg("build", str(tmp_path / "facts.csv"), "--out", str(tmp_path / "out"), "-q")
    assert result.returncode == 1 and "not a regular file" in result.stderr


def test_a_missing_source_is_reported_once_with_its_row_count(write_csv, tmp_path):
    rows = [_row_citing("gone.txt", f"句子{i}") for i in range(30)]
    result = kg("build", str(write_csv([*GOOD_ROWS, *rows])), "--out", str(tmp_path / "out"), "-q")
    lines = [line for line in result.stderr.splitlines() if "gone.txt" in line]
    assert len(lines) == 1 and "does not exist" in lines[0] and "30 rows" in lines[0], result.stderr
