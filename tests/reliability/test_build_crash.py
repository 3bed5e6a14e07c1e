"""A build killed at any point leaves the complete old export set or the complete new one, never a mix;
the next build removes what the killed one left behind; OS errors are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.export import EXPORTERS
from tests.conftest import EV, GOOD_ROWS

KG = [str(Path(sys.executable).parent / "kg")]
NAMES = sorted(e.file_name for e in EXPORTERS.values())
MORE = f",zone,skos:altLabel,高新区,,zh,,,{EV}"


def kg(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KG, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


@pytest.fixture
def two_versions(write_csv, tmp_path):
    """The out folder built from version 1, and the bytes versions 1 and 2 give."""
    old_csv = write_csv(GOOD_ROWS, name="old.csv")
    new_csv = write_csv([*GOOD_ROWS, MORE], name="new.csv")
    reference = tmp_path / "reference-new"
    assert kg("build", str(new_csv), "--out", str(reference), "-q").returncode == 0
    out = tmp_path / "out"
    assert kg("build", str(old_csv), "--out", str(out), "-q").returncode == 0
    return out, new_csv, snapshot(out), snapshot(reference)


LONG = os.environ.get("KG_LONG_TESTS") == "1"
EVERY_FILE = [f"after-{e.file_name}" for e in EXPORTERS.values()]
POINTS = (EVERY_FILE if LONG else [EVERY_FILE[0], EVERY_FILE[-1]]) + ["before-swap", "after-swap"]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_build_killed_at_any_point_leaves_one_whole_export_set(two_versions, point, exchange):
    out, new_csv, old, new = two_versions
    env = {"KG_TEST_CRASH_AT": point}
    if not exchange:
        env["KG_TEST_NO_EXCHANGE"] = "1"
        if point == "after-swap":
            env["KG_TEST_CRASH_AT"] = "between-renames"
    killed = kg("build", str(new_csv), "--out", str(out), "-q", env=env)
    assert killed.returncode == -9
    after = snapshot(out)
    if not exchange and point == "after-swap":
        # killed between the two renames: the out folder is briefly absent, the old set kept aside
        assert after in ({}, old)
    else:
        assert after in (old, new), f"a mix after a kill at {point}"
        assert after == (new if point == "after-swap" else old)
    # the next build removes the leftovers and completes
    assert kg("build", str(new_csv), "--out", str(out), "-q").returncode == 0
    assert snapshot(out) == new
    assert sorted(p.name for p in out.parent.iterdir() if ".kg-" in p.name) == []


def test_stale_staging_folders_of_old_builds_are_removed(two_versions):
    out, new_csv, _, new = two_versions
    (out / ".kg-build-abc123").mkdir()  # left inside by the earlier, file-by-file builds
    (out / ".kg-build-abc123" / "graph.ttl").write_text("half")
    (out.parent / ".out.kg-build-xyz").mkdir()
    assert kg("build", str(new_csv), "--out", str(out), "-q").returncode == 0
    assert snapshot(out) == new
    assert not (out.parent / ".out.kg-build-xyz").exists()


def test_a_partial_build_keeps_the_other_exports(two_versions):
    out, new_csv, old, new = two_versions
    (out / "notes.txt").write_text("mine")
    assert kg("build", str(new_csv), "--out", str(out), "--format", "turtle", "-q").returncode == 0
    after = snapshot(out)
    assert after["graph.ttl"] == new["graph.ttl"]
    assert after["graph.nt"] == old["graph.nt"]
    assert after["notes.txt"] == b"mine"


def one_line_error(result: subprocess.CompletedProcess, path: Path) -> str:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in lines[0] and "Fix:" in lines[0]
    return lines[0]


def test_an_out_dir_that_is_a_file_is_one_line(write_csv, tmp_path):
    target = tmp_path / "exports"
    target.write_text("a file")
    line = one_line_error(kg("build", str(write_csv(GOOD_ROWS)), "--out", str(target), "-q"), target)
    assert "not a file" in line
    assert target.read_text() == "a file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_out_dir_is_one_line(write_csv, tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    out = parent / "exports"
    parent.chmod(0o500)
    try:
        one_line_error(kg("build", str(write_csv(GOOD_ROWS)), "--out", str(out), "-q"), parent)
    finally:
        parent.chmod(0o700)


def test_a_read_only_file_system_is_one_line(write_csv):
    """/proc is read-only for everyone, root included."""
    out = Path("/proc/kg-exports")
    result = kg("build", str(write_csv(GOOD_ROWS)), "--out", str(out), "-q")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Fix:" in result.stderr


def _small_filesystem(tmp_path: Path) -> Path | None:
    """A 1 MB tmpfs mounted for this test, or ``None`` when this machine does not let us mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    return mount if done.returncode == 0 else None


def test_a_full_disk_is_one_line_and_keeps_the_old_exports(write_csv, tmp_path):
    mount = _small_filesystem(tmp_path)
    if mount is None:
        pytest.skip("cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN)")
    try:
        rows = [*GOOD_ROWS] + [f",zone,skos:altLabel,别名{i} {'x' * 200},,zh,,,{EV}" for i in range(2000)]
        small = write_csv(GOOD_ROWS, name="small.csv")
        big = write_csv(rows, name="big.csv")
        out = mount / "exports"
        assert kg("build", str(small), "--out", str(out), "-q", "--no-shapes").returncode == 0
        before = snapshot(out)
        result = kg("build", str(big), "--out", str(out), "-q", "--no-shapes")
        line = one_line_error(result, mount)
        assert "space" in line
        assert snapshot(out) == before
        assert [p.name for p in mount.iterdir()] == ["exports"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
