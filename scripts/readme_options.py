"""The README's option tables, made from the click definitions of the command line (src/dupcheck/cli.py).

    python scripts/readme_options.py           # rewrite the tables in README.md
    python scripts/readme_options.py --check   # exit 1 if README.md's tables are not what the CLI defines

The tables stand between the two marker comments of README.md; everything else in it is left as it is. Each
command's table lists its options as ``dupcheck COMMAND --help`` does: name and metavar, default, help text. So
an option's text is written once, in cli.py, and tests/test_readme.py fails when the README says otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dupcheck.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN = "<!-- options: made by scripts/readme_options.py from src/dupcheck/cli.py; edit the help texts there -->"
END = "<!-- /options -->"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _option(param: click.Option) -> str:
    """The option as ``--help`` names it: its long name with what it takes, then its other names."""
    names = sorted(param.opts, key=lambda name: (not name.startswith("--"), name))
    if param.is_flag:
        metavar = ""
    elif isinstance(param.type, click.Choice):
        metavar = " " + "|".join(str(c) for c in param.type.choices)
    else:  # every option that takes a value names it (cli.py): not click's own words, which change by version
        metavar = f" {param.metavar or param.type.name.upper()}"
    shown = [f"{names[0]}{metavar}", *names[1:], *param.secondary_opts]
    return ", ".join(f"`{_cell(name)}`" for name in shown)


def _default(param: click.Option, ctx: click.Context) -> str:
    default = param.get_default(ctx, call=False)  # not param.default: click 8.5 keeps a sentinel there
    if param.is_flag:
        return "on" if default else "off"
    if default is None or param.value_is_missing(default):  # None, an empty repeatable, click's own "unset"
        return "—"
    return f"`{_cell(str(default))}`"


def command_table(name: str, command: click.Command) -> str:
    ctx = click.Context(command, info_name=name)
    arguments = " ".join(p.human_readable_name for p in command.params if isinstance(p, click.Argument))
    rows = [
        f"| {_option(p)} | {_default(p, ctx)} | {_cell(p.help or '')} |"
        for p in command.params
        if isinstance(p, click.Option) and not p.hidden
    ]
    summary = _cell((command.help or "").split("\n\n")[0])
    parts = [f"#### `dupcheck {name} {arguments}`", "", summary, ""]
    if rows:
        parts += ["| option | default | meaning |", "|---|---|---|", *rows]
    else:
        parts.append("No options.")
    return "\n".join(parts)


def tables() -> str:
    """Every command's table, in the order cli.py defines them (scan first)."""
    return "\n\n".join(command_table(name, command) for name, command in cli.commands.items())


def with_tables(readme: str) -> str:
    """``readme`` with the text between the markers replaced by ``tables()``."""
    head, found, rest = readme.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"README.md holds no {BEGIN!r} … {END!r} markers")
    return f"{head}{BEGIN}\n\n{tables()}\n\n{END}{tail}"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    made = with_tables(text)
    if "--check" in argv:
        if made != text:
            print("README.md's option tables differ from the CLI: run python scripts/readme_options.py")
            return 1
        return 0
    if made != text:
        README.write_text(made, encoding="utf-8")
        print("README.md: option tables updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
