"""The command line: parses options, calls the library, prints. Exit codes are documented in the README."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import click

from dupcheck.check import check_against
from dupcheck.errors import DupcheckError, ReadError, UsageError
from dupcheck.export import (
    render_check,
    render_members,
    render_table,
    save_members_csv,
    write_csv,
    write_json,
    write_members_csv,
)
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index import corpus_index
from dupcheck.members import Membership, member_rows, read_corrections
from dupcheck.model import MembersBy, ScanSettings
from dupcheck.outputs import ensure_outside, write_file, write_tree
from dupcheck.parallel import running_on
from dupcheck.prepare import integrity_flags, load_corpus
from dupcheck.reading import DEFAULT_MAX_CHARS, read_document
from dupcheck.report import ErrorResult, Report
from dupcheck.scan import scan
from dupcheck.sources import CheckSummary
from dupcheck.untrusted import terminal_safe

EXIT_UNREADABLE, EXIT_BELOW = 1, 3  # a usage error exits 2 (click's own)


class Percent(click.ParamType):
    """A percentage, '70' or '70%', given to the library as the fraction 0.7.

    A number between 0 and 1 without '%' is refused: '--fail-under 0.8' written for 80 % would be 0.8 % and pass
    a draft a third copied. Under one per cent is written with its sign, '0.8%'."""

    name = "percent"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        written = str(value).strip()
        text = written.removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            self.fail(f"{value!r} is not a percentage (write 70 or 70%)", param, ctx)
        if not 0 <= number <= 100:
            self.fail(f"{value!r} is not between 0 and 100", param, ctx)
        if 0 < number < 1 and not written.endswith("%"):
            self.fail(
                f"{value!r} is a percentage, {number:g} %: did you mean {100 * number:g} %? (write {100 * number:g}; "
                f"for under one per cent write {text}%)",
                param,
                ctx,
            )
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


def _stdout() -> IO[str]:
    return sys.stdout


def _progress_bar(quiet: bool) -> ProgressBar:
    stream = _stderr()
    return ProgressBar(stream, enabled=not quiet and stream.isatty())


class _Group(click.Group):
    """The command group, with every error click reports (a bad value, a path that is a folder, our own usage
    errors) shown through ``terminal_safe``: their messages quote what was typed, file names included."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _shown_safely():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _shown_safely():
            return super().invoke(ctx)


@contextmanager
def _shown_safely() -> Iterator[None]:
    try:
        yield
    except click.ClickException as error:
        # Replaced before click prints it; click 8.5 types the attribute Final, as nothing of its own changes it.
        setattr(error, "message", terminal_safe(error.message))  # noqa: B010
        raise


@click.group(cls=_Group)
@click.version_option(package_name="dupcheck")
def cli() -> None:
    """dupcheck: what in each member's report is their own writing, and what is boilerplate, template or reuse."""


def _apply(command: Callable, options: list[Callable]) -> Callable:
    for option in reversed(options):
        command = option(command)
    return command


def _matching_options(command: Callable) -> Callable:
    """The options of how reports are compared (scan and check)."""
    return _apply(
        command,
        [
            click.option(
                "--min-chars",
                type=click.IntRange(min=ScanSettings().shortest_guaranteed),
                metavar="N",
                default=13,
                show_default=True,
                help="Shortest shared passage reported, in characters (a Latin word counts as one).",
            ),
            click.option(
                "--boilerplate-share",
                type=PERCENT,
                metavar="P",
                default="30",
                show_default=True,
                help="Text shared by at least P % of the members (and at least 4 members) is boilerplate, not reuse.",
            ),
            click.option(
                "--quotes/--no-quotes",
                default=True,
                show_default=True,
                help="Label text quoted with a citation (“…” after 指出：, 强调： …, or a title in 《》) as quote: no "
                "copying, counted with the own writing against --fail-under. --no-quotes: labelled like other text.",
            ),
        ],
    )


def _index_option(help: str) -> Callable[[Callable], Callable]:
    return click.option("--index", "index_location", metavar="PATH|URL", help=help)


@dataclass(frozen=True)
class _Reading:
    """The options of what is read and how, as one value: every command that reads a corpus takes them."""

    templates: tuple[Path, ...]
    members_by: MembersBy
    members_file: Path | None
    round: str | None
    rebuild: bool
    quiet: bool
    max_chars: int

    def membership(self) -> Membership:
        corrections = read_corrections(self.members_file) if self.members_file is not None else {}
        return Membership(self.members_by, MappingProxyType(corrections))


def _cluster_option(help: str) -> Callable[[Callable], Callable]:
    return click.option("--cluster", "cluster_address", metavar="ADDRESS", help=help)


@contextmanager
def _cluster(address: str | None) -> Iterator[None]:
    """Within this, the stages' parts run on the Dask scheduler at ``address`` (None: here)."""
    if address is None:
        yield
        return
    from dupcheck.cluster import connect  # only with --cluster: Dask takes a second to import

    with connect(address) as cluster, running_on(cluster):
        yield


def _reading_options(command: Callable) -> Callable:
    """The options of what is read, and how, handed to ``command`` as ``reading`` (a ``_Reading``); with the
    index's --round and --rebuild."""
    return _reading(command, rounds=True)


def _corpus_options(command: Callable) -> Callable:
    """``_reading_options`` without the index's: for a command that keeps nothing (``members``)."""
    return _reading(command, rounds=False)


def _reading(command: Callable, *, rounds: bool) -> Callable:
    @functools.wraps(command)
    def with_reading(**options: Any) -> Any:
        options.setdefault("round_", None)
        options.setdefault("rebuild", False)
        reading = _Reading(*(options.pop(name) for name in _READING_NAMES))
        return command(reading=reading, **options)

    index_options = [
        click.option(
            "--round",
            "round_",
            metavar="R",
            default=None,
            help="The round (year or meeting) of the reports, e.g. 2024: reports of earlier rounds in the index are "
            "compared too (default: none; check takes the newest round in the index).",
        ),
        click.option(
            "--rebuild",
            is_flag=True,
            help="Replace the index with a new one (a corrupt or outdated index); for check, only a corpus's own.",
        ),
    ]
    return _apply(
        with_reading,
        [
            click.option(
                "--template",
                "templates",
                multiple=True,
                type=click.Path(path_type=Path),
                metavar="PATH",
                help="Official template text, a file or a folder (repeatable). CORPUS/templates/ is always read as "
                "templates.",
            ),
            click.option(
                "--members-by",
                type=click.Choice(["name", "file", "folder"]),
                default="name",
                show_default=True,
                help="Who wrote a file: 'name', the person the file name names wherever the name stands (else "
                "the document's title, speaker line or signature; the folder is the unit); 'file', the file name "
                "up to its first '-', '_', '—', '–', '－' or whitespace; 'folder', the top-level folder.",
            ),
            click.option(
                "--members",
                "members_file",
                type=click.Path(path_type=Path, dir_okay=False),
                metavar="FILE",
                help="A corrected member list (CSV: file, member, unit, kind, as 'dupcheck members --format csv' "
                "writes it): it wins over --members-by for the files it names.",
            ),
            *(index_options if rounds else []),
            click.option(
                "--quiet", "-q", is_flag=True, help="No progress bar (it is shown only on a terminal anyway)."
            ),
            click.option(
                "--max-chars",
                type=click.IntRange(min=1),
                metavar="N",
                default=DEFAULT_MAX_CHARS,
                show_default=True,
                help="Longest report read, in characters; a longer one is reported as unreadable. A text file over "
                "4 × N bytes is refused unread, a .docx of more than N paragraphs before it is parsed.",
            ),
        ],
    )


_READING_NAMES = ("templates", "members_by", "members_file", "round_", "rebuild", "quiet", "max_chars")  # _Reading's


def _settings(min_chars: int, boilerplate_share: float, quotes: bool, threshold: float = 0.7) -> ScanSettings:
    if boilerplate_share == 0:
        raise click.BadParameter("must be above 0", param_hint="--boilerplate-share")
    defaults = ScanSettings()
    return replace(
        defaults,
        alignment=replace(defaults.alignment, min_chars=min_chars),
        boilerplate_share=boilerplate_share,
        section_threshold=threshold,
        quotes=quotes,
    )


def _html_options(command: Callable) -> Callable:
    """The options of the HTML evidence report."""
    command = click.option(
        "--html-max-mb",
        type=click.FloatRange(min=0),
        metavar="MB",
        default=50,
        show_default=True,
        help="Largest HTML report written as one file; a larger one is a folder (index.html and its data files).",
    )(command)
    command = click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of the HTML report's labels and headings: Chinese or English.",
    )(command)
    return click.option(
        "--html",
        "html_path",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Also write the evidence as a self-contained HTML file (opens offline, by double-click); over "
        "--html-max-mb, as a folder of the same name without .html. Never inside the corpus.",
    )(command)


def _check_outputs(corpus: Path, *, output: Path | None, html_path: Path | None, fmt: str) -> None:
    """Refuse, before any work, outputs that cannot be written: inside the corpus, or a folder for a file."""
    if output is not None:
        ensure_outside(output, [corpus], "--output")
        if fmt != "csv" and output.is_dir():
            raise UsageError(f"--output '{output}' is a folder; name a file for --format {fmt}")
    if html_path is not None:
        ensure_outside(html_path, [corpus], "--html")
        if html_path.is_dir():
            raise UsageError(f"--html '{html_path}' is a folder; name the HTML file to write")


def _write_html(
    report: Report,
    path: Path,
    *,
    lang: str,
    threshold: float,
    corpus: Path,
    max_mb: float,
    check: CheckSummary | None = None,
) -> None:
    from dupcheck.html_report import html_folder, html_output, is_report_folder  # only for --html

    written = html_output(report, lang=lang, threshold=threshold, check=check, limit=int(max_mb * 1024 * 1024))
    if not written.folder:
        page = written.files[next(iter(written.files))]
        write_file(path, lambda out: out.write(page), protect=[corpus])
        click.echo(f"wrote {terminal_safe(str(path))}", err=True)
        return
    folder = html_folder(path)
    write_tree(folder, written.files, ours=is_report_folder, protect=[corpus])
    click.echo(
        f"wrote the folder {terminal_safe(str(folder))}: the report is {written.size / 1024**2:.1f} MB, over "
        f"--html-max-mb {max_mb:g}, so it is a folder rather than one file; open "
        f"{terminal_safe(str(folder / 'index.html'))} and keep the folder whole (copy or zip it as one)",
        err=True,
    )


def _write_text(output: Path | None, write: Callable[[IO[str]], object], *, corpus: Path) -> None:
    if output:
        write_file(output, write, protect=[corpus])
    else:
        write(_stdout())


def _report_errors(errors: Iterable[ReadError] | Iterable[ErrorResult]) -> None:
    """One line each, ``error: PATH: reason``; both parts escaped, as the reason may quote the file or its text."""
    for error in errors:
        reason = str(getattr(error, "reason", None) or getattr(error, "error", ""))
        click.echo(f"error: {terminal_safe(error.path)}: {terminal_safe(reason)}", err=True)


@cli.command("scan")
@click.argument("corpus", type=click.Path(path_type=Path))
@_reading_options
@_matching_options
@_index_option(
    "The index to use and update: a SQLite file or redis://HOST:PORT/DB (default: the corpus's own, if 'dupcheck "
    "index CORPUS' made one; without one the files are read and nothing is kept)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    default="table",
    show_default=True,
    help="table (for the terminal), json, csv (four files in a folder) or xlsx (one workbook of the same four tables).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="File for table, JSON or xlsx (default: standard output; required with xlsx); folder for CSV (required "
    "with --format csv). Never inside the corpus.",
)
@click.option(
    "--threshold",
    type=PERCENT,
    metavar="P",
    default="70",
    show_default=True,
    help="Sections less original than P % are listed as flagged (and coloured in the HTML report and the workbook).",
)
@click.option(
    "--fail-under",
    type=PERCENT,
    metavar="P",
    help="Exit with status 3 when any document is less original than P % (checked only when every file was read).",
)
@click.option("--evidence", is_flag=True, help="With the table: print every shared passage and where it comes from.")
@_cluster_option(
    "Run the scan's stages on the workers of the Dask scheduler at ADDRESS (tcp://HOST:8786), which read the "
    "corpus at the same path; needs pip install 'dupcheck[cluster]'. The report is the one a scan here gives."
)
@_html_options
def scan_command(
    corpus: Path,
    reading: _Reading,
    min_chars: int,
    boilerplate_share: float,
    quotes: bool,
    index_location: str | None,
    fmt: str,
    output: Path | None,
    threshold: float,
    fail_under: float | None,
    evidence: bool,
    cluster_address: str | None,
    html_path: Path | None,
    lang: str,
    html_max_mb: float,
) -> None:
    """Scan every report (.docx, .doc, .wps, .pdf, .txt, .md) in CORPUS and report originality per member and per
    section.

    With an index (--index, or the one 'dupcheck index CORPUS' made), only changed files are read again,
    and reports of earlier rounds in the index are compared too.

    \b
    Example:
        dupcheck scan corpus/
        dupcheck scan corpus/ --template 模板.docx --format csv --output 结果/
        dupcheck scan reports-2024/ --index dupcheck.sqlite --round 2024
        dupcheck scan /shared/corpus/ --cluster tcp://scheduler:8786
    """
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes several files: name a folder with --output")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: name the file with --output")
    if fmt == "csv" and output is not None and output.exists() and not output.is_dir():
        # Caught here: making the folder would fail with the bare "file exists" of the system.
        raise click.UsageError(
            f"--output '{terminal_safe(str(output))}' is a file; --format csv writes four files: name a folder"
        )
    progress = _progress_bar(reading.quiet)
    with _as_click_errors(progress):
        _check_outputs(corpus, output=output, html_path=html_path, fmt=fmt)
        settings = _settings(min_chars, boilerplate_share, quotes, threshold)
        index = corpus_index(
            corpus, index_location, settings.fingerprints, rebuild=reading.rebuild, create=reading.round is not None
        )
        try:
            with _cluster(cluster_address):
                report = scan(
                    corpus,
                    reading.templates,
                    settings,
                    index=index,
                    round=reading.round or "",
                    membership=reading.membership(),
                    progress=progress,
                    max_chars=reading.max_chars,
                )
        finally:
            if index is not None:
                index.close()

    _report_errors(report.errors)
    with _as_click_errors(progress):
        if html_path is not None:
            _write_html(report, html_path, lang=lang, threshold=threshold, corpus=corpus, max_mb=html_max_mb)
        if fmt == "csv":
            assert output is not None
            written = write_csv(report, output, threshold=threshold, protect=[corpus])
            click.echo(f"wrote {terminal_safe(', '.join(str(p) for p in written))}", err=True)
        elif fmt == "xlsx":
            from dupcheck.xlsx import write_xlsx  # only for xlsx: openpyxl takes a while to import

            assert output is not None
            click.echo(
                f"wrote {terminal_safe(str(write_xlsx(report, output, threshold=threshold, protect=[corpus])))}",
                err=True,
            )
        else:
            _write_text(
                output,
                lambda out: (
                    write_json(report, out)
                    if fmt == "json"
                    else out.write(render_table(report, threshold=threshold, evidence=evidence))
                ),
                corpus=corpus,
            )

    if report.errors:
        sys.exit(EXIT_UNREADABLE)
    if fail_under is not None and any(d.shares.own_or_quoted < fail_under for d in report.documents):
        below = [d.id for d in report.documents if d.shares.own_or_quoted < fail_under]
        listed = terminal_safe(", ".join(below))
        click.echo(f"{len(below)} document(s) below {100 * fail_under:g}% originality: {listed}", err=True)
        sys.exit(EXIT_BELOW)


@cli.command("index")
@click.argument("corpus", type=click.Path(path_type=Path))
@_reading_options
@_index_option(
    "Where to keep the index: a SQLite file or redis://HOST:PORT/DB (default: a file for this corpus under "
    "$DUPCHECK_INDEX_DIR, else $XDG_CACHE_HOME/dupcheck, else ~/.cache/dupcheck). Never inside the corpus."
)
@_cluster_option(
    "Read and fingerprint the changed files on the workers of the Dask scheduler at ADDRESS (tcp://HOST:8786), "
    "which read the corpus at the same path; needs pip install 'dupcheck[cluster]'."
)
def index_command(
    corpus: Path,
    reading: _Reading,
    index_location: str | None,
    cluster_address: str | None,
) -> None:
    """Build or update the index of CORPUS: only files that changed are read again, removed files leave it.

    Once made, 'dupcheck scan CORPUS' and 'dupcheck check DRAFT --against CORPUS' use and update it.

    \b
    Example:
        dupcheck index corpus/
        dupcheck index reports-2023/ --index dupcheck.sqlite --round 2023
    """
    progress = _progress_bar(reading.quiet)
    with _as_click_errors(progress):
        index = corpus_index(corpus, index_location, FingerprintSettings(), rebuild=reading.rebuild, create=True)
        assert index is not None
        try:
            with _cluster(cluster_address):
                result = index.update(
                    corpus,
                    reading.templates,
                    round=reading.round or "",
                    membership=reading.membership(),
                    progress=progress,
                    max_chars=reading.max_chars,
                )
        finally:
            index.close()
    _report_errors(result.errors)
    round_note = f" (round {reading.round})" if reading.round else ""
    click.echo(
        f"{terminal_safe(index.location + round_note)}: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.removed)} removed, {result.unchanged} unchanged"
    )
    if result.errors:
        sys.exit(EXIT_UNREADABLE)


@cli.command("check")
@click.argument("draft", type=click.Path(path_type=Path))
@click.option(
    "--against",
    required=True,
    metavar="CORPUS|INDEX",
    help="What the draft is compared with: the corpus folder (through its own index if 'dupcheck index CORPUS' "
    "made one), or an index: a file made by 'dupcheck index', or redis://HOST:PORT/DB. (check has no --index: "
    "name the index here.)",
)
@_reading_options
@_matching_options
@click.option(
    "--member",
    metavar="NAME",
    help="Who wrote the draft (default: found as in a corpus, from its path in the corpus when it lies there, else "
    "its file name or text; a name without a unit is the corpus's member of that name when exactly one has it).",
)
@click.option(
    "--add",
    is_flag=True,
    help="Add the draft to the index as its member's report of the round (it is not added otherwise).",
)
@click.option(
    "--fail-under",
    type=PERCENT,
    metavar="P",
    help="Exit with status 3 when the draft is less original than P %; the verdict then starts with ready or NOT "
    "READY.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table (for the terminal) or json (the scan's schema, with the check's grouping under 'check').",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="File to write (default: standard output). Never inside the corpus.",
)
@_html_options
def check_command(
    draft: Path,
    against: str,
    reading: _Reading,
    min_chars: int,
    boilerplate_share: float,
    quotes: bool,
    member: str | None,
    add: bool,
    fail_under: float | None,
    fmt: str,
    output: Path | None,
    html_path: Path | None,
    lang: str,
    html_max_mb: float,
) -> None:
    """Self-check DRAFT before handing it in: what in it is your own, and where the rest comes from.

    \b
    Example:
        dupcheck check 王建国-对照检查材料.docx --against corpus/
        dupcheck check 王建国.docx --against dupcheck.sqlite --round 2024 --fail-under 80
    """
    folder = Path(against)
    progress = _progress_bar(reading.quiet)
    with _as_click_errors(progress):
        _check_outputs(folder, output=output, html_path=html_path, fmt=fmt)
        result = check_against(
            draft,
            against,
            _settings(min_chars, boilerplate_share, quotes),
            templates=reading.templates,
            member=member,
            round=reading.round,
            membership=reading.membership(),
            add=add,
            rebuild=reading.rebuild,
            max_chars=reading.max_chars,
            progress=progress,
        )
    _report_errors(result.errors)
    report = result.report
    summary = result.summary(fail_under)
    with _as_click_errors(progress):
        _write_text(
            output,
            lambda out: (
                write_json(report, out, check=summary)
                if fmt == "json"
                else out.write(render_check(report, summary=summary))
            ),
            corpus=folder,
        )
        if html_path is not None:
            _write_html(report, html_path, lang=lang, threshold=0.7, corpus=folder, max_mb=html_max_mb, check=summary)
    # As for a scan: a file of the corpus left unread may hold what the draft was copied from.
    if result.errors:
        sys.exit(EXIT_UNREADABLE)
    (result_doc,) = report.documents
    if fail_under is not None and result_doc.shares.own_or_quoted < fail_under:
        sys.exit(EXIT_BELOW)


@cli.command("serve")
@click.option(
    "--against",
    required=True,
    metavar="INDEX",
    help="The index to check drafts against (a file made by 'dupcheck index', or redis://HOST:PORT/DB).",
)
@click.option(
    "--round", "round_", metavar="R", default=None, help="The round drafts belong to (default: the index's newest)."
)
@click.option(
    "--host",
    metavar="HOST",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any other than loopback needs --token or --codes.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), metavar="PORT", default=8765, show_default=True, help="Port to listen on."
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="The page's language.")
@click.option(
    "--token", envvar="DUPCHECK_TOKEN", metavar="CODE", help="One access code every member enters (or $DUPCHECK_TOKEN)."
)
@click.option(
    "--codes",
    "codes_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file of one access code per member, a line 'member,code': a draft is then its member's.",
)
@click.option(
    "--add", is_flag=True, help="Keep each checked draft as its member's report of the round (needs --codes)."
)
@click.option(
    "--show-sources",
    is_flag=True,
    help="Name the members and files a passage is shared with (default: 'another member's report', the passage only).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), metavar="N", default=2, show_default=True, help="Checks run at once."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    default=300,
    show_default=True,
    help="Seconds a check may take before the member is told to try again.",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(min=1),
    metavar="MB",
    default=20,
    show_default=True,
    help="Largest upload; a larger one is refused before it is read.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    metavar="N",
    default=300,
    show_default=True,
    help="Longest PDF or .docx (as Word and WPS count it), in pages.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    metavar="N",
    default=200_000,
    show_default=True,
    help="Longest draft, in characters.",
)
@_matching_options
def serve_command(
    against: str,
    round_: str | None,
    host: str,
    port: int,
    lang: str,
    token: str | None,
    codes_file: Path | None,
    add: bool,
    show_sources: bool,
    workers: int,
    timeout: float,
    max_upload_mb: int,
    max_pages: int,
    max_chars: int,
    min_chars: int,
    boilerplate_share: float,
    quotes: bool,
) -> None:
    """Serve the self-check as a web page: members upload a draft and get the report 'check --html' gives.

    Nothing is kept unless --add; another member's report shows only its passage that matches, unnamed, unless
    --show-sources. Needs the serve extra: pip install 'dupcheck[serve]'.

    \b
    Example:
        dupcheck serve --against /tmp/dupcheck.sqlite
        dupcheck serve --against dupcheck.sqlite --host 0.0.0.0 --codes codes.csv --add
    """
    from dupcheck import serve  # the web framework only for this command

    with _as_click_errors(_progress_bar(True)):
        if token is not None and codes_file is not None:
            raise UsageError("--token and --codes: give one of them")
        codes = serve.read_codes(codes_file) if codes_file is not None else ({token: ""} if token else {})
        config = serve.ServeConfig(
            against=against,
            round=round_,
            lang=lang,
            add=add,
            show_sources=show_sources,
            codes=codes,  # a plain dict: the config goes to each worker process, pickled
            host=host,
            max_bytes=max_upload_mb * 1024 * 1024,
            max_pages=max_pages,
            max_chars=max_chars,
            workers=workers,
            timeout=timeout,
            settings=_settings(min_chars, boilerplate_share, quotes),
        )
        serve.validate(config)
        try:
            serve.run(config, port)
        except ImportError as error:
            raise DupcheckError(
                f"dupcheck serve needs its extra ({error.name} is missing): pip install 'dupcheck[serve]'"
            ) from error


@cli.command("members")
@click.argument("corpus", type=click.Path(path_type=Path))
@_corpus_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table (for the terminal) or csv (UTF-8 with BOM, formula-safe: a list to correct and give back with "
    "--members).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="File to write (default: standard output). Never inside the corpus.",
)
def members_command(
    corpus: Path,
    reading: _Reading,
    fmt: str,
    output: Path | None,
) -> None:
    """Show who wrote which file of CORPUS: member, unit, kind and how each was found.

    Correct the CSV (the member, unit and kind columns) and give it back with --members to scan, index and check.

    \b
    Example:
        dupcheck members corpus/
        dupcheck members corpus/ --format csv --output 成员.csv
        dupcheck scan corpus/ --members 成员.csv
    """
    progress = _progress_bar(reading.quiet)
    with _as_click_errors(progress):
        _check_outputs(corpus, output=output, html_path=None, fmt=fmt)
        membership = reading.membership()
        documents, errors = load_corpus(
            corpus, reading.templates, membership=membership, progress=progress, max_chars=reading.max_chars
        )
        rows = member_rows(documents, membership)
    _report_errors(errors)
    with _as_click_errors(progress):
        if fmt == "csv" and output is not None:
            save_members_csv(rows, output, protect=[corpus])
        else:
            _write_text(
                output,
                lambda out: (
                    write_members_csv(rows, out, terminal=out.isatty())
                    if fmt == "csv"
                    else out.write(render_members(rows))
                ),
                corpus=corpus,
            )
    if errors:
        sys.exit(EXIT_UNREADABLE)


@cli.command("text")
@click.argument("file", type=click.Path(path_type=Path))
def text_command(file: Path) -> None:
    """Print the text of FILE exactly as dupcheck reads it: every offset in a report indexes this text (on a
    terminal, control characters are shown escaped); its integrity flags (hidden text left out, …) go to stderr."""
    try:
        read = read_document(file)
    except ReadError as error:
        _report_errors([error])
        sys.exit(EXIT_UNREADABLE)
    for note in integrity_flags(read).notes():
        click.echo(f"flag: {terminal_safe(str(file))}: {note}", err=True)
    # To a pipe or a file the text is written as is: every offset counts every character (click.echo would strip
    # escape sequences there). On a terminal a person reads it, and the terminal would obey them: escaped, with
    # its lines and tabs kept.
    out = _stdout()
    out.write(terminal_safe(read.text, keep="\n\t") if out.isatty() else read.text)


def main() -> None:
    cli()
