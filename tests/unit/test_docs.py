"""The documentation holds: docs/cli.md is what the generator writes now and names every command and
option, the README stays short, and every relative link in the README and docs/ leads somewhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click
import pytest

from graph.cli import cli

ROOT = Path(__file__).resolve().parents[2]
CLI_MD = ROOT / "docs" / "cli.md"
README_LIMIT = 10_000  # characters
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "benchmarks" / "README.md",
    ROOT / "tests" / "conformance" / "sparql11-protocol" / "README.md",
    ROOT / "tests" / "conformance" / "shacl" / "README.md",
]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_cli", ROOT / "docs" / "generate_cli.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sections(text: str) -> dict[str, str]:
    """The text of each ``## kg NAME`` section of cli.md, by command name."""
    parts = re.split(r"^## kg (\S+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def prose(text: str) -> str:
    """Markdown without its code: links inside code blocks and code spans are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def anchors(text: str) -> set[str]:
    """The anchors GitHub makes for a page's headings."""
    found = set()
    for title in HEADING.findall(FENCE.sub("", text)):
        slug = re.sub(r"[^\w\- ]", "", title.replace("`", "").strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def relative_links(page: Path) -> list[str]:
    text = prose(page.read_text(encoding="utf-8"))
    targets = LINK.findall(text) + REFERENCE.findall(text)
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I)]  # no http:, mailto: ...


def test_cli_md_is_what_the_generator_writes_now():
    expected = load_generator().render()
    assert CLI_MD.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run .venv/bin/python docs/generate_cli.py"
    )


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_in_cli_md(name):
    command = cli.commands[name]
    documented = sections(CLI_MD.read_text(encoding="utf-8"))
    assert name in documented, f"kg {name} has no section in docs/cli.md"
    text = documented[name]
    assert command.help, f"kg {name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            for option in param.opts + param.secondary_opts:
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), (
                    f"kg {name} {option} is missing from docs/cli.md"
                )
            assert param.help, f"kg {name} {param.opts[0]} has no help text"
        elif isinstance(param, click.Argument):
            assert param.make_metavar(click.Context(command)).rstrip(".") in text


def test_readme_is_short():
    length = len((ROOT / "README.md").read_text(encoding="utf-8"))
    assert length <= README_LIMIT, f"README.md has {length} characters; the manual belongs in docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files_and_headings_that_exist(page):
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading makes #{anchor}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_link_checker_sees_links_and_skips_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# A title: `kg` here\n[a](other.md#x) ![b](pic.png) [c](https://example.org/) `[d](code.md)`\n"
        "```\n[e](fenced.md)\n```\n[f]: ref.md\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["other.md#x", "pic.png", "ref.md"]
    assert anchors(page.read_text(encoding="utf-8")) == {"a-title-kg-here"}
