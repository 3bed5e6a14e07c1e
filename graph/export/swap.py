"""Replace a folder of exports in one step: readers see the old set or the new set, never a mix.

The new exports are written into a sibling staging folder, which then trades places with the out
folder in one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere the out folder is renamed
aside and the staging folder renamed into its place (two renames, nothing half-written between
them). The out folder stays a plain folder, so a committed ``exports/`` stays plain files in git.
A killed build leaves only its sibling staging folder, which the next build removes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.errors import InputError

STAGING = ".kg-build-"  # prefix of the staging folders beside the out folder
RETIRED = ".kg-old-"  # prefix of the old out folder while the fallback's two renames run
CRASH_HOOK = "KG_TEST_CRASH_AT"  # tests: SIGKILL this process at the named point (see crash_point)
NO_EXCHANGE_HOOK = "KG_TEST_NO_EXCHANGE"  # tests: use the two-rename fallback even on Linux
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

_FIXES = {
    errno.ENOSPC: "free some disk space and build again",
    errno.EDQUOT: "free some disk space and build again",
    errno.EROFS: "the file system is read-only: give --out a writable folder",
    errno.EACCES: "make the folder writable, or give --out a writable folder",
    errno.EPERM: "make the folder writable, or give --out a writable folder",
    errno.ENOTDIR: "give --out a folder, not a file",
    errno.EEXIST: "give --out a folder, not a file",
    errno.EISDIR: "remove the folder in the way, or give --out another folder",
}


def crash_point(name: str) -> None:
    """Kill this process outright when the test hook names ``name``: tests crash a build between steps."""
    if os.environ.get(CRASH_HOOK) == name:
        os.kill(os.getpid(), 9)


def os_error(exc: OSError, path: Path | str) -> InputError:
    """One line for an OS error: the path, what went wrong and what to do."""
    where = exc.filename or path
    fix = _FIXES.get(exc.errno or 0, "check the folder and its permissions")
    return InputError(f"{where}: cannot write the exports: {exc.strerror or exc}. Fix: {fix}")


def _staging_name(out_dir: Path) -> str:
    return f".{out_dir.name}{STAGING}"


def remove_stale(out_dir: Path) -> None:
    """Remove staging folders that killed builds left beside ``out_dir`` (and the old ones inside it).

    A build killed between the fallback's two renames left the old exports aside and no out
    folder: they are put back first.
    """
    retired = sorted(out_dir.parent.glob(f".{out_dir.name}{RETIRED}*"))
    if retired and not out_dir.exists():
        os.rename(retired[-1], out_dir)
    for folder in retired:
        shutil.rmtree(folder, ignore_errors=True)
    prefix = _staging_name(out_dir)
    for folder in (out_dir.parent, out_dir):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if (
                entry.name.startswith(prefix if folder == out_dir.parent else STAGING)
                and not entry.is_symlink()
            ):
                shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder holding ``out_dir``: two builds into one folder take turns,
    and neither removes the other's staging folder as stale. No lock file is left behind."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(out_dir.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); ``False`` when the system cannot."""
    if not sys.platform.startswith("linux") or os.environ.get(NO_EXCHANGE_HOOK):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # the file system cannot exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def staged_folder(out_dir: Path, keep: set[str]) -> Iterator[Path]:
    """A staging folder to write the new exports into; on success it replaces ``out_dir`` in one step.

    Files of ``out_dir`` whose names are not in ``keep`` (exports not rebuilt this time, anything
    else the user keeps there) are carried over, so a partial build changes only what it writes.
    On any error ``out_dir`` is left exactly as it was and the staging folder is removed.
    """
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file, not a folder. Fix: give --out a folder, not a file")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out_dir):
            remove_stale(out_dir)
            staging = Path(tempfile.mkdtemp(prefix=_staging_name(out_dir), dir=out_dir.parent))
            try:
                if out_dir.is_dir():
                    _carry_over(out_dir, staging, keep)
                yield staging
                crash_point("before-swap")
                _swap(staging, out_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise os_error(exc, out_dir) from None


def _carry_over(out_dir: Path, staging: Path, keep: set[str]) -> None:
    for entry in out_dir.iterdir():
        if entry.name in keep or entry.name.startswith(STAGING):
            continue
        target = staging / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry), target)
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True)
        else:
            try:
                os.link(entry, target)  # never written to: the new exports are new files
            except OSError:
                shutil.copy2(entry, target)
    os.chmod(staging, out_dir.stat().st_mode & 0o7777)


def _swap(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in the place of ``out_dir``; afterwards ``staging`` holds the old exports (if any)."""
    if not out_dir.exists():
        os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        crash_point("after-swap")
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{RETIRED}", dir=out_dir.parent))
    os.rmdir(retired)
    os.rename(out_dir, retired)
    crash_point("between-renames")
    os.rename(staging, out_dir)
    os.rename(retired, staging)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
