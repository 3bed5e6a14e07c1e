"""Write docs/cli.md from the ``kg`` command's own ``--help`` texts.

Run ``.venv/bin/python docs/generate_cli.py`` after changing a command or an option;
``tests/unit/test_docs.py`` fails while docs/cli.md differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.cli import cli

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 100  # fixed, so the text does not depend on the terminal that runs this

INTRO = """\
# The `kg` command

Generated from `kg --help` and each command's `--help` by `docs/generate_cli.py`; do not edit by
hand. `python -m graph` is the same command. Every problem a command finds in its input is one
line, `FILE:ROW: column COLUMN: error: WHAT. Fix: HOW.`, all of them in one run, and the exit
status is 1 (see [csv-format.md](csv-format.md#problems-and-how-they-are-reported)).

Results go to stdout and everything else (progress, counts, warnings, errors) to stderr, so
`kg query ... > answer.csv` and `kg stats -f json | jq` hold only results. A file argument of `-`
reads stdin: `kg validate -` (CSV rows, whose `source` cells name documents relative to the
current folder or to `data/`) and `kg query -` (the query text). Progress bars (on a terminal
only) count what is done out of the total, with the percentage, the time taken and the time left.

Shell completion (commands, options and their choices), from Click:

```sh
eval "$(_KG_COMPLETE=bash_source kg)"              # bash: add to ~/.bashrc
eval "$(_KG_COMPLETE=zsh_source kg)"               # zsh: add to ~/.zshrc
_KG_COMPLETE=fish_source kg > ~/.config/fish/completions/kg.fish   # fish
```
"""


def _portable(value: object) -> object:
    """A default path inside this checkout, shown relative to it: the page must not name one machine's folders."""
    if isinstance(value, Path) and value.is_absolute() and value.is_relative_to(ROOT):
        return value.relative_to(ROOT)
    return value


def _context(command: click.Command, name: str, parent: click.Context | None = None) -> click.Context:
    defaults = {
        param.name: _portable(param.default)
        for param in command.params
        if param.name and _portable(param.default) is not param.default
    }
    settings = {
        **command.context_settings,
        "terminal_width": WIDTH,
        "max_content_width": WIDTH,
        "default_map": defaults or None,
    }
    return click.Context(command, info_name=name, parent=parent, **settings)


def commands(group: click.Group) -> list[tuple[str, click.Command]]:
    """The group's visible commands, by name."""
    return [(name, command) for name, command in sorted(group.commands.items()) if not command.hidden]


def render() -> str:
    """The whole of docs/cli.md, as it should be now."""
    root = _context(cli, "kg")
    parts = [INTRO, "| command | what it does |", "|---|---|"]
    for name, command in commands(cli):
        parts.append(f"| [`kg {name}`](#kg-{name}) | {command.get_short_help_str(limit=200)} |")
    parts += ["", "```text", cli.get_help(root), "```", ""]
    for name, command in commands(cli):
        parts += [f"## kg {name}", "", "```text", command.get_help(_context(command, name, root)), "```", ""]
    return "\n".join(parts)


def main() -> int:
    """Rewrite docs/cli.md; say whether it changed."""
    text = render()
    old = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if text == old:
        print(f"{TARGET.relative_to(ROOT)} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
