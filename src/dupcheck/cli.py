"""The command line: parses options, calls the library, prints. Exit codes are documented in the README."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from dupcheck.errors import DupcheckError, ReadError, UsageError
from dupcheck.export import render_table, write_csv, write_json
from dupcheck.reading import read_document
from dupcheck.scan import ScanSettings, scan

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, EXIT_BELOW = 0, 1, 2, 3


class Percent(click.ParamType):
    """A percentage, '70' or '70%', given to the library as the fraction 0.7."""

    name = "percent"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip().removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            self.fail(f"{value!r} is not a percentage (write 70 or 70%)", param, ctx)
        if not 0 <= number <= 100:
            self.fail(f"{value!r} is not between 0 and 100", param, ctx)
        return number / 100


PERCENT = Percent()


@click.group()
@click.version_option(package_name="dupcheck")
def cli() -> None:
    """dupcheck: what in each member's report is their own writing, and what is boilerplate, template or reuse."""


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@cli.command("scan")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option(
    "--template",
    "templates",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Official template text, a file or a folder (repeatable). CORPUS/templates/ is always read as templates.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="File for table or JSON (default: standard output); folder for CSV (required with --format csv).",
)
@click.option(
    "--threshold",
    type=PERCENT,
    default="70",
    show_default=True,
    help="Sections less original than this percentage are listed as flagged.",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=4),
    default=13,
    show_default=True,
    help="Shortest shared passage reported, in characters (a Latin word counts as one).",
)
@click.option(
    "--boilerplate-share",
    type=PERCENT,
    default="30",
    show_default=True,
    help="Text shared by at least this percentage of members (and at least 4 members) is boilerplate, not reuse.",
)
@click.option(
    "--fail-under",
    type=PERCENT,
    help="Exit with status 3 when any document is less original than this percentage.",
)
@click.option(
    "--members-by",
    type=click.Choice(["file", "folder"]),
    default="file",
    show_default=True,
    help="Who wrote a file: the file name up to the first '-' or '_', or the top-level folder.",
)
@click.option("--evidence", is_flag=True, help="With the table: print every shared passage and where it comes from.")
def scan_command(
    corpus: Path,
    templates: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    threshold: float,
    min_chars: int,
    boilerplate_share: float,
    fail_under: float | None,
    members_by: str,
    evidence: bool,
) -> None:
    """Scan every report (.docx, .txt, .md) in CORPUS and report originality per member and per section.

    \b
    Example:
        dupcheck scan corpus/
        dupcheck scan corpus/ --template 模板.docx --format csv --output 结果/
    """
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes several files: name a folder with --output")
    if output is not None and corpus.is_dir() and _inside(output, corpus):
        raise click.UsageError(f"--output '{output}' is inside the corpus; dupcheck never writes into the corpus")
    if output is not None and fmt != "csv" and output.is_dir():
        raise click.UsageError(f"--output '{output}' is a folder; name a file for --format {fmt}")
    if boilerplate_share == 0:
        raise click.BadParameter("must be above 0", param_hint="--boilerplate-share")
    defaults = ScanSettings()
    settings = replace(
        defaults,
        alignment=replace(defaults.alignment, min_chars=min_chars),
        boilerplate_share=boilerplate_share,
        section_threshold=threshold,
    )
    try:
        report = scan(corpus, templates, settings, members_by=members_by)  # type: ignore[arg-type]
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except DupcheckError as error:
        raise click.ClickException(str(error)) from error

    for error in report.errors:
        click.echo(f"error: {error.path}: {error.error}", err=True)

    if fmt == "csv":
        assert output is not None
        written = write_csv(report, output, threshold=threshold)
        click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)
    else:
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            if fmt == "json":
                write_json(report, out)
            else:
                out.write(render_table(report, threshold=threshold, evidence=evidence))
        finally:
            if output:
                out.close()

    if report.errors:
        sys.exit(EXIT_UNREADABLE)
    if fail_under is not None and any(d.shares.originality < fail_under for d in report.documents):
        below = [d.id for d in report.documents if d.shares.originality < fail_under]
        click.echo(f"{len(below)} document(s) below {100 * fail_under:g}% originality: {', '.join(below)}", err=True)
        sys.exit(EXIT_BELOW)


@cli.command("text")
@click.argument("file", type=click.Path(path_type=Path))
def text_command(file: Path) -> None:
    """Print the text of FILE exactly as dupcheck reads it: every offset in a report indexes this text."""
    try:
        read = read_document(file)
    except ReadError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    # Written as is: click.echo would strip escape sequences off a pipe, and every offset counts them.
    sys.stdout.write(read.text)


def main() -> None:
    cli()
