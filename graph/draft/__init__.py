"""``kg draft``: rows of the CSV format drafted from a Chinese article, offline and deterministically.

Each drafted row quotes its sentence verbatim (``evidence``), so a curator reviews it against the
text. The stage reads the article (:mod:`.sections`), finds entities (:mod:`.entities`), figures
and dates (:mod:`.figures`) and links (:mod:`.relations`), proposes keys (:mod:`.keys`), and
writes the rows (:mod:`.rows`, :mod:`.writer`); :mod:`.compare` measures a draft against a
curated CSV of the same article. It imports only the model and ingest stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.draft.entities import KnownEntities, load_known
from graph.draft.rows import Draft, draft_rows, relative_source
from graph.draft.sections import read_article
from graph.draft.writer import render_rows, write_rows
from graph.errors import InputError
from graph.model.vocabulary import load_vocabulary

__all__ = ["Draft", "DraftResult", "draft_article", "render_rows", "write_draft"]


@dataclass
class DraftResult:
    """A draft written to disk: where, what it holds, and the rows a model proposed (with ``--llm``)."""

    path: Path
    draft: Draft
    llm_rows: int = 0
    llm_not_verbatim: int = 0
    llm_invalid: int = 0


def draft_article(
    article: Path | str,
    vocabulary: Path | str,
    known: list[Path] | None = None,
    out: Path | str = "draft.csv",
) -> Draft:
    """Draft the rows of ``article`` (a UTF-8 text file); ``out`` is where the CSV will be, for the ``source`` column.

    >>> draft = draft_article("data/sources/000_ae5b4b592fd66ac1.txt", "data/vocabulary.ttl")
    >>> draft.rows[0]["evidence"] in open("data/sources/000_ae5b4b592fd66ac1.txt", encoding="utf-8").read()
    True
    """
    article = Path(article)
    text = _read_text(article)
    for path in known or []:
        if not Path(path).is_file():
            raise InputError(
                f"{path}: known-entities CSV not found. Fix: give the path of a CSV of our format"
            )
    known_entities = load_known([Path(p) for p in known or []]) if known else KnownEntities()
    return draft_rows(
        read_article(text), relative_source(article, Path(out)), load_vocabulary(vocabulary), known_entities
    )


def write_draft(
    article: Path | str,
    out: Path | str,
    vocabulary: Path | str,
    known: list[Path] | None = None,
    llm: str | None = None,
) -> DraftResult:
    """Draft ``article`` and write the CSV to ``out`` atomically (never half-written).

    With ``llm`` (the URL of an OpenAI-compatible chat-completions endpoint) the rows a model
    proposes for each section are added after the drafter's, once they pass the row checks and
    their evidence is found verbatim in the article; without it nothing leaves the machine.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError(
            f"{out}: the folder {out.parent} does not exist. Fix: create it or choose another --out"
        )
    draft = draft_article(article, vocabulary, known, out)
    result = DraftResult(out, draft)
    if llm:
        from graph.draft.llm import llm_rows  # httpx and the prompt only when a model is asked

        proposed = llm_rows(
            read_article(_read_text(Path(article))),
            relative_source(Path(article), out),
            out,
            load_vocabulary(vocabulary),
            llm,
        )
        draft.rows += proposed.rows
        result.llm_rows, result.llm_not_verbatim, result.llm_invalid = (
            len(proposed.rows),
            proposed.not_verbatim,
            proposed.invalid,
        )
    write_rows(draft.rows, out)
    return result


def _read_text(article: Path) -> str:
    try:
        return article.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{article}: article not found. Fix: give the path of a UTF-8 text file") from None
    except IsADirectoryError:
        raise InputError(f"{article}: is a folder. Fix: give the path of a UTF-8 text file") from None
    except UnicodeDecodeError:
        raise InputError(f"{article}: the article is not UTF-8. Fix: save it as UTF-8 text") from None
