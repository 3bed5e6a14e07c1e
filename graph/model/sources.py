"""Source documents: the files facts are taken from, and checking that evidence really occurs in them."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+")


def squeeze(text: str) -> str:
    """``text`` without any whitespace: articles break sentences across lines, so evidence is compared this way.

    >>> squeeze("宁波高新区\\n 排名第10")
    '宁波高新区排名第10'
    """
    return _WHITESPACE.sub("", text)


@dataclass
class SourceDocument:
    """One source file, read once; ``slug`` names it in IRIs."""

    path: Path
    name: str
    text: str
    sha256: str
    # what contains() has learned: not part of what the document is
    _squeezed: str = field(default="", repr=False, compare=False)
    _pieces: set[str] = field(default_factory=set, repr=False, compare=False)
    _found: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]", "-", self.path.stem)

    def contains(self, evidence: str) -> bool:
        """Whether ``evidence`` occurs in the document, whitespace ignored.

        Whole lines and sentences of the document are looked up in a set first: searching the
        whole text for each of a hundred thousand sentences would take time quadratic in its size.
        """
        found = self._found.get(evidence)
        if found is None:
            if not self._squeezed:
                self._squeezed = squeeze(self.text)
                for line in self.text.splitlines():
                    self._pieces.add(squeeze(line))
                    self._pieces.update(squeeze(piece) for piece in _SENTENCE.findall(line))
            wanted = squeeze(evidence)
            found = self._found[evidence] = wanted in self._pieces or wanted in self._squeezed
        return found


MAX_SOURCE_BYTES = 64 * 1024 * 1024  # a source document is an article, not a disk image
ROOTS_VARIABLE = "KG_SOURCE_ROOTS"  # more folders (os.pathsep-separated) source documents may come from


class SourceLibrary:
    """Source documents named by CSV cells, resolved against the CSV's folder and read at most once.

    A document must be a regular file inside the CSV's folder tree (symlinks resolved), or inside
    a folder named in the environment variable ``KG_SOURCE_ROOTS``, and at most
    ``MAX_SOURCE_BYTES`` long: a cell may not make the build read ``/etc/passwd``, a FIFO or
    ``/dev/zero``. ``reasons`` says why a document could not be used.
    """

    def __init__(self) -> None:
        self._documents: dict[Path, SourceDocument | None] = {}
        self._by_cell: dict[tuple[str, Path], SourceDocument | None] = {}
        self.reasons: dict[tuple[str, Path], str] = {}
        self._why: dict[Path, str] = {}
        self._roots = [Path(p).resolve() for p in os.environ.get(ROOTS_VARIABLE, "").split(os.pathsep) if p]

    def open(self, cell: str, csv_path: Path) -> SourceDocument | None:
        """The document a ``source`` cell names, or ``None`` (with the reason in ``reasons``)."""
        key = (cell, csv_path)
        if key not in self._by_cell:
            path = (csv_path.parent / cell).resolve()
            allowed = [csv_path.parent.resolve(), *self._roots]
            if not any(path.is_relative_to(root) for root in allowed):
                self.reasons[key] = "is outside the CSV's folder"
                self._by_cell[key] = None
                return None
            if path not in self._documents:
                self._documents[path] = _read(path, cell, self._why, path)
            if self._documents[path] is None:
                self.reasons[key] = self._why[path]
            self._by_cell[key] = self._documents[path]
        return self._by_cell[key]

    def documents(self) -> list[SourceDocument]:
        return sorted((d for d in self._documents.values() if d), key=lambda d: d.slug)


def _read(path: Path, name: str, reasons: dict[Path, str], key: Path) -> SourceDocument | None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            reasons[key] = "is not a regular file"
            return None
        if info.st_size > MAX_SOURCE_BYTES:
            reasons[key] = f"is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB"
            return None
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it does not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                reasons[key] = "is not a regular file"
                return None
            raw = stream.read(MAX_SOURCE_BYTES + 1)
        if len(raw) > MAX_SOURCE_BYTES:
            reasons[key] = f"is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB"
            return None
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        reasons[key] = "does not exist"
        return None
    except OSError as exc:
        reasons[key] = f"cannot be read: {exc.strerror}"
        return None
    except UnicodeDecodeError:
        reasons[key] = "cannot be read as UTF-8 text"
        return None
    return SourceDocument(path=path, name=name, text=text, sha256=hashlib.sha256(raw).hexdigest())
