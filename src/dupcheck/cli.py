"""The command line: parses options, calls the library, prints. Exit codes are documented in the README."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO

import click

from dupcheck.check import check_draft, load_draft
from dupcheck.errors import DupcheckError, ReadError, UsageError
from dupcheck.export import render_check, render_table, write_csv, write_json
from dupcheck.index import Index, default_index_path, is_redis_url, open_index
from dupcheck.model import ScanSettings
from dupcheck.prepare import load_corpus
from dupcheck.reading import DEFAULT_MAX_CHARS, read_document
from dupcheck.report import ErrorResult, Report
from dupcheck.scan import scan

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


class ProgressBar:
    """A one-line progress bar for long work, on a terminal only (never in a pipe, a file or a test)."""

    def __init__(self, stream: IO[str], *, enabled: bool, width: int = 30) -> None:
        self._stream, self._enabled, self._width = stream, enabled, width
        self._shown = 0.0
        self._drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._shown < 0.1:  # redrawing more often only costs time
            return
        self._shown = now
        filled = self._width * done // total
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r{stage:<15} [{bar}] {done}/{total}\x1b[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Clear the bar, so that what is printed next starts on a clean line."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False


@contextmanager
def _as_click_errors(progress: ProgressBar) -> Iterator[None]:
    """The library's errors as the CLI's: a usage error exits 2, any other names its cause in one line and exits
    1; the progress bar is cleared either way."""
    try:
        yield
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except DupcheckError as error:
        raise click.ClickException(str(error)) from error
    finally:
        progress.close()


def _stderr() -> IO[str]:
    return sys.stderr


def _progress_bar(quiet: bool) -> ProgressBar:
    stream = _stderr()
    return ProgressBar(stream, enabled=not quiet and stream.isatty())


@click.group()
@click.version_option(package_name="dupcheck")
def cli() -> None:
    """dupcheck: what in each member's report is their own writing, and what is boilerplate, template or reuse."""


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _common_options(command: Callable) -> Callable:
    """The options every command that compares reports takes."""
    options = [
        click.option(
            "--template",
            "templates",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Official template text, a file or a folder (repeatable). CORPUS/templates/ is always read as "
            "templates.",
        ),
        click.option(
            "--min-chars",
            type=click.IntRange(min=4),
            default=13,
            show_default=True,
            help="Shortest shared passage reported, in characters (a Latin word counts as one).",
        ),
        click.option(
            "--boilerplate-share",
            type=PERCENT,
            default="30",
            show_default=True,
            help="Text shared by at least this percentage of members (and at least 4 members) is boilerplate, "
            "not reuse.",
        ),
        click.option(
            "--members-by",
            type=click.Choice(["file", "folder"]),
            default="file",
            show_default=True,
            help="Who wrote a file: the file name up to the first '-' or '_', or the top-level folder.",
        ),
        click.option(
            "--index",
            "index_location",
            help="Index file or redis://HOST:PORT/DB to use and update (default: the corpus's index if "
            "'dupcheck index' made one).",
        ),
        click.option("--round", "round_", default=None, help="The round (year or meeting) of the reports, e.g. 2024."),
        click.option("--rebuild", is_flag=True, help="Replace the index with a new one (a corrupt or outdated index)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar (it is shown only on a terminal anyway)."),
        click.option(
            "--max-chars",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_CHARS,
            show_default=True,
            help="Longest report read, in characters; a longer file is reported as unreadable (a text file over "
            "4 bytes a character is refused unread).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(min_chars: int, boilerplate_share: float, threshold: float = 0.7) -> ScanSettings:
    if boilerplate_share == 0:
        raise click.BadParameter("must be above 0", param_hint="--boilerplate-share")
    defaults = ScanSettings()
    return replace(
        defaults,
        alignment=replace(defaults.alignment, min_chars=min_chars),
        boilerplate_share=boilerplate_share,
        section_threshold=threshold,
    )


def _index_for(
    corpus: Path, location: str | None, settings: ScanSettings, *, rebuild: bool, create: bool
) -> Index | None:
    """The index named with --index, else the corpus's default index if it exists (or ``create``)."""
    if location is None:
        path = default_index_path(corpus)
        if not (create or rebuild or path.exists()):
            return None
        location = str(path)
    if not is_redis_url(location) and corpus.is_dir() and _inside(Path(location), corpus):
        raise click.UsageError(f"--index '{location}' is inside the corpus; dupcheck never writes into the corpus")
    return open_index(location, settings.fingerprints, rebuild=rebuild)


def _html_options(command: Callable) -> Callable:
    """The options of the HTML evidence report."""
    command = click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of the HTML report's labels and headings.",
    )(command)
    return click.option(
        "--html",
        "html_path",
        type=click.Path(path_type=Path),
        help="Also write the evidence as one self-contained HTML file (opens offline, by double-click).",
    )(command)


def _check_html_path(path: Path | None, corpus: Path) -> None:
    if path is None:
        return
    if corpus.is_dir() and _inside(path, corpus):
        raise click.UsageError(f"--html '{path}' is inside the corpus; dupcheck never writes into the corpus")
    if path.is_dir():
        raise click.UsageError(f"--html '{path}' is a folder; name the HTML file to write")


def _write_html(report: Report, path: Path, *, lang: str, threshold: float) -> None:
    from dupcheck.html_report import render_html  # only for --html

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, lang=lang, threshold=threshold), encoding="utf-8")
    click.echo(f"wrote {path}", err=True)


def _report_errors(errors: Iterable[ReadError] | Iterable[ErrorResult]) -> None:
    for error in errors:
        click.echo(f"error: {error.path}: {getattr(error, 'reason', None) or getattr(error, 'error', '')}", err=True)


@cli.command("scan")
@click.argument("corpus", type=click.Path(path_type=Path))
@_common_options
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
    "--fail-under",
    type=PERCENT,
    help="Exit with status 3 when any document is less original than this percentage.",
)
@click.option("--evidence", is_flag=True, help="With the table: print every shared passage and where it comes from.")
@_html_options
def scan_command(
    corpus: Path,
    templates: tuple[Path, ...],
    min_chars: int,
    boilerplate_share: float,
    members_by: str,
    index_location: str | None,
    round_: str | None,
    rebuild: bool,
    quiet: bool,
    max_chars: int,
    fmt: str,
    output: Path | None,
    threshold: float,
    fail_under: float | None,
    evidence: bool,
    html_path: Path | None,
    lang: str,
) -> None:
    """Scan every report (.docx, .txt, .md) in CORPUS and report originality per member and per section.

    With an index (--index, or the one 'dupcheck index CORPUS' made), only changed files are read again,
    and reports of earlier rounds in the index are compared too.

    \b
    Example:
        dupcheck scan corpus/
        dupcheck scan corpus/ --template 模板.docx --format csv --output 结果/
        dupcheck scan reports-2024/ --index dupcheck.sqlite --round 2024
    """
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes several files: name a folder with --output")
    if output is not None and corpus.is_dir() and _inside(output, corpus):
        raise click.UsageError(f"--output '{output}' is inside the corpus; dupcheck never writes into the corpus")
    if output is not None and fmt != "csv" and output.is_dir():
        raise click.UsageError(f"--output '{output}' is a folder; name a file for --format {fmt}")
    _check_html_path(html_path, corpus)
    settings = _settings(min_chars, boilerplate_share, threshold)
    progress = _progress_bar(quiet)
    with _as_click_errors(progress):
        index = _index_for(corpus, index_location, settings, rebuild=rebuild, create=round_ is not None)
        if index is None:
            report = scan(
                corpus,
                templates,
                settings,
                members_by=members_by,  # type: ignore[arg-type]
                progress=progress,
                max_chars=max_chars,
            )
        else:
            try:
                report = scan(
                    corpus,
                    templates,
                    settings,
                    index=index,
                    round=round_ or "",
                    members_by=members_by,  # type: ignore[arg-type]
                    progress=progress,
                    max_chars=max_chars,
                )
            finally:
                index.close()

    _report_errors(report.errors)
    if html_path is not None:
        _write_html(report, html_path, lang=lang, threshold=threshold)
    if fmt == "csv":
        assert output is not None
        written = write_csv(report, output, threshold=threshold)
        click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)
    else:
        _write_text(
            output,
            lambda out: (
                write_json(report, out)
                if fmt == "json"
                else out.write(render_table(report, threshold=threshold, evidence=evidence))
            ),
        )

    if report.errors:
        sys.exit(EXIT_UNREADABLE)
    if fail_under is not None and any(d.shares.originality < fail_under for d in report.documents):
        below = [d.id for d in report.documents if d.shares.originality < fail_under]
        click.echo(f"{len(below)} document(s) below {100 * fail_under:g}% originality: {', '.join(below)}", err=True)
        sys.exit(EXIT_BELOW)


def _write_text(output: Path | None, write: Callable[[IO[str]], object]) -> None:
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as out:
            write(out)
    else:
        write(sys.stdout)


@cli.command("index")
@click.argument("corpus", type=click.Path(path_type=Path))
@_common_options
def index_command(
    corpus: Path,
    templates: tuple[Path, ...],
    min_chars: int,
    boilerplate_share: float,
    members_by: str,
    index_location: str | None,
    round_: str | None,
    rebuild: bool,
    quiet: bool,
    max_chars: int,
) -> None:
    """Build or update the index of CORPUS: only files that changed are read again, removed files leave it.

    The index is kept outside the corpus (--index PATH, or a per-corpus file under ~/.cache/dupcheck).

    \b
    Example:
        dupcheck index corpus/
        dupcheck index reports-2023/ --index dupcheck.sqlite --round 2023
    """
    settings = _settings(min_chars, boilerplate_share)
    progress = _progress_bar(quiet)
    with _as_click_errors(progress):
        index = _index_for(corpus, index_location, settings, rebuild=rebuild, create=True)
        assert index is not None
        try:
            result = index.update(
                corpus,
                templates,
                round=round_ or "",
                members_by=members_by,  # type: ignore[arg-type]
                progress=progress,
                max_chars=max_chars,
            )
        finally:
            index.close()
    _report_errors(result.errors)
    round_note = f" (round {round_})" if round_ else ""
    click.echo(
        f"{index.location}{round_note}: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.removed)} removed, {result.unchanged} unchanged"
    )
    if result.errors:
        sys.exit(EXIT_UNREADABLE)


@cli.command("check")
@click.argument("draft", type=click.Path(path_type=Path))
@click.option(
    "--against",
    required=True,
    help="The corpus folder, or an index (a file made by 'dupcheck index', or redis://HOST:PORT/DB).",
)
@_common_options
@click.option("--member", help="Who wrote the draft (default: its file name up to the first '-' or '_').")
@click.option("--add", is_flag=True, help="Add the draft to the index (it is not added otherwise).")
@click.option("--fail-under", type=PERCENT, help="Exit with status 3 when the draft is less original than this.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File to write (default: standard output).")
@_html_options
def check_command(
    draft: Path,
    against: str,
    templates: tuple[Path, ...],
    min_chars: int,
    boilerplate_share: float,
    members_by: str,
    index_location: str | None,
    round_: str | None,
    rebuild: bool,
    quiet: bool,
    max_chars: int,
    member: str | None,
    add: bool,
    fail_under: float | None,
    fmt: str,
    output: Path | None,
    html_path: Path | None,
    lang: str,
) -> None:
    """Self-check DRAFT before handing it in: what in it is your own, and where the rest comes from.

    \b
    Example:
        dupcheck check 王建国-对照检查材料.docx --against corpus/
        dupcheck check 王建国.docx --against dupcheck.sqlite --round 2024 --fail-under 80
    """
    settings = _settings(min_chars, boilerplate_share)
    folder = Path(against)
    _check_html_path(html_path, folder)
    if output is not None and folder.is_dir() and _inside(output, folder):
        raise click.UsageError(f"--output '{output}' is inside the corpus; dupcheck never writes into the corpus")
    progress = _progress_bar(quiet)
    with _as_click_errors(progress):
        if index_location is not None:
            raise UsageError("--against names the corpus or the index; --index is not used with check")
        is_corpus = folder.is_dir()
        index = (
            _index_for(folder, None, settings, rebuild=rebuild, create=add)
            if is_corpus
            else _open_named_index(against, settings, rebuild=rebuild)
        )
        try:
            if index is not None and is_corpus:
                result = index.update(
                    folder,
                    templates,
                    round=round_ or _newest(index),
                    members_by=members_by,  # type: ignore[arg-type]
                    progress=progress,
                    max_chars=max_chars,
                )
                _report_errors(result.errors)
            round_name = round_ if round_ is not None else (_newest(index) if index is not None else "")
            document = load_draft(draft, member=member, round=round_name, max_chars=max_chars)
            population = None
            if index is not None:
                others, population = index.reference_for(document, round_name, settings)
            else:
                others, unreadable = load_corpus(
                    folder,
                    templates,
                    settings.fingerprints,
                    members_by=members_by,  # type: ignore[arg-type]
                    max_chars=max_chars,
                )
                _report_errors(unreadable)
            report = check_draft(document, others, settings, population)
            if add and index is not None:
                index.add(document, round=round_name)
        finally:
            if index is not None:
                index.close()

    _write_text(
        output,
        lambda out: (
            write_json(report, out) if fmt == "json" else out.write(render_check(report, fail_under=fail_under))
        ),
    )
    if html_path is not None:
        _write_html(report, html_path, lang=lang, threshold=0.7)
    (result_doc,) = report.documents
    if fail_under is not None and result_doc.shares.originality < fail_under:
        sys.exit(EXIT_BELOW)


def _open_named_index(location: str, settings: ScanSettings, *, rebuild: bool) -> Index:
    if not is_redis_url(location) and not Path(location).is_file():
        raise UsageError(f"{location}: neither a corpus folder nor an index file")
    return open_index(location, settings.fingerprints, rebuild=rebuild)


def _newest(index: Index) -> str:
    rounds = index.rounds()
    return rounds[-1] if rounds else ""


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
