"""Source documents: the files facts are taken from, and checking that evidence really occurs in them."""

from __future__ import annotations

import hashlib
import re
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
    _squeezed: str = field(default="", repr=False)
    _pieces: set[str] = field(default_factory=set, repr=False)
    _found: dict[str, bool] = field(default_factory=dict, repr=False)

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


class SourceLibrary:
    """Source documents named by CSV cells, resolved against the CSV's folder and read at most once."""

    def __init__(self) -> None:
        self._documents: dict[Path, SourceDocument | None] = {}
        self._by_cell: dict[tuple[str, Path], SourceDocument | None] = {}

    def open(self, cell: str, csv_path: Path) -> SourceDocument | None:
        """The document a ``source`` cell names, or ``None`` when it cannot be read as UTF-8 text."""
        key = (cell, csv_path)
        if key not in self._by_cell:
            path = (csv_path.parent / cell).resolve()
            if path not in self._documents:
                self._documents[path] = _read(path, cell)
            self._by_cell[key] = self._documents[path]
        return self._by_cell[key]

    def documents(self) -> list[SourceDocument]:
        return sorted((d for d in self._documents.values() if d), key=lambda d: d.slug)


def _read(path: Path, name: str) -> SourceDocument | None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return SourceDocument(path=path, name=name, text=text, sha256=hashlib.sha256(raw).hexdigest())
