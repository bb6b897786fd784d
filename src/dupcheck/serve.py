"""``dupcheck serve``: the pre-submission self-check as a web page on the organisation's own machine.

A member opens the page, chooses their draft and gets the report ``dupcheck check --html`` gives (built by
``check_against`` and ``html_report.render_html``), with what they may not see of colleagues taken out first
(``redact``). What the page promises, and where it is kept:

* **Nothing stored** unless the organisation says so (``add``): the upload is held in memory, written for the
  reader into a temporary folder of its own and removed with it once the report is made.
* **Who may use it**: without codes only a loopback address is served; with one shared ``--token`` or a file of
  one code per member, a member enters their code once (compared with ``hmac.compare_digest``) and the session
  lives in a cookie (HttpOnly, SameSite=Strict). Every form carries the session's CSRF token and every POST must
  come from the page's own origin (``Origin``); on loopback the Host must be a loopback name (a page elsewhere
  cannot rebind its own name to this server).
* **Limits before reading**: the request's declared length, then the bytes as they stream in (parsed with
  python-multipart, never spooled to disk by a framework), the file's type by its name, a PDF's page count, and
  the reader's own limits (characters, zip bombs, hostile documents: ``reading.read_document``). A refused file
  gets one message, and the server keeps serving.
* **A pool of workers** runs the checks (processes: one slow upload does not hold the others); each opens the
  index once, and again when its file is replaced (a SQLite index's changes are read as they are committed).
* **Headers**: a Content-Security-Policy (no outside resource, no framing), X-Content-Type-Options, no caching,
  no referrer to another site. Logs hold sizes, times and outcomes, never a document's text or name.

Starlette, uvicorn and python-multipart (the ``serve`` extra) are imported only by ``make_app`` and ``run``: the
rest of dupcheck works without them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import io
import ipaddress
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dupcheck.check import check_against
from dupcheck.errors import DupcheckError, IndexFileError, ReadError, UsageError
from dupcheck.html_report import CONTENT_SECURITY_POLICY, render_html
from dupcheck.index import Index, existing_index, is_redis_url
from dupcheck.model import ScanSettings
from dupcheck.reading import import_readers
from dupcheck.redact import redacted
from dupcheck.sources import summarise

log = logging.getLogger("dupcheck.serve")

ACCEPTED_SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".txt")
MIN_CODE_LENGTH = 8  # a shorter code is guessed by trying
SESSION_COOKIE = "dupcheck_session"
SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 10_000  # the oldest is forgotten first: a flood of page loads cannot grow memory without end
FIELD_LIMIT = 4096  # bytes of a form field other than the file
PENDING_PER_WORKER = 16  # uploads held (in memory) per worker at most; one more is told to come back
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The report page is the one ``check --html`` writes (its script and style inline): its own policy, and no framing.
REPORT_POLICY = CONTENT_SECURITY_POLICY + "; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServeConfig:
    """What ``dupcheck serve`` was told: the index, the page's language, what is shown and kept, who may use it,
    the limits of an upload and how many checks run at once."""

    against: str  # an index file or redis://HOST:PORT/DB
    round: str | None = None
    lang: str = "zh"
    add: bool = False  # the checked draft is kept as its member's report of the round
    show_sources: bool = False  # the report names the members and files a passage is shared with
    codes: Mapping[str, str] = field(default_factory=dict)  # access code -> member ('' for one shared token)
    host: str = "127.0.0.1"
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 300
    max_chars: int = 200_000
    workers: int = 2  # processes; 0 runs checks in one thread of the server's own process (tests)
    timeout: float = 300.0  # seconds a check may take before the member is told to try again
    temp_dir: str | None = None  # where uploads are written for the reader (default: the system's)
    settings: ScanSettings = field(default_factory=ScanSettings)
    threshold: float = 0.7


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate(config: ServeConfig) -> None:
    """Refuse (``UsageError``) a server that would be open to others without codes, codes too short to be safe,
    ``add`` with no way to tell who sent a draft, or something other than an index to check against."""
    if not config.codes and not is_loopback(config.host):
        raise UsageError(
            f"refusing to serve on {config.host} without --token or --codes: anyone who can reach it could use it "
            "(without them only 127.0.0.1 is served)"
        )
    if any(len(code) < MIN_CODE_LENGTH for code in config.codes):
        raise UsageError(f"an access code must be at least {MIN_CODE_LENGTH} characters long")
    if config.add and not any(config.codes.values()):
        raise UsageError("--add needs --codes: a draft is added as the report of the member whose code sent it")
    if not is_redis_url(config.against) and not Path(config.against).is_file():
        raise UsageError(
            f"{config.against}: not an index file; make one with 'dupcheck index CORPUS --index FILE' and serve that"
        )


def read_codes(path: Path) -> dict[str, str]:
    """The access codes of a members file: one line per member, ``member,code`` (``#`` starts a comment).
    ``UsageError`` for a line without both, or a code given twice."""
    codes: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the codes file ({error})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        member, sep, code = (part.strip() for part in line.rpartition(","))
        if not sep or not member or not code:
            raise UsageError(f"{path}, line {number}: expected 'member,code'")
        if code in codes:
            raise UsageError(f"{path}, line {number}: this code is given twice")
        codes[code] = member
    if not codes:
        raise UsageError(f"{path}: no codes in it")
    return codes


def member_for(code: str, codes: Mapping[str, str]) -> str | None:
    """The member ``code`` belongs to (``''`` for the shared token), or None. Every code is compared, each in
    constant time, so how long it takes tells nothing of how near a guess came."""
    found = None
    given = code.encode("utf-8", "replace")
    for known, member in codes.items():
        if hmac.compare_digest(given, known.encode("utf-8")):
            found = member
    return found


# -- the page's wording and parts --------------------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    return (resources.files("dupcheck") / "html" / "serve" / name).read_text(encoding="utf-8")


@cache
def strings(lang: str) -> dict[str, str]:
    return dict(json.loads(_asset("strings.json"))[lang])


_SLOT = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``{{name}}`` gets its value escaped, ``{{{name}}}`` as it is (markup made here); one pass."""
    return _SLOT.sub(lambda m: values[m.group(1)] if m.group(1) else html.escape(values[m.group(2)]), template)


def _page(config: ServeConfig, form: str, message: str | None) -> str:
    words = strings(config.lang)
    shown = "" if message is None else f'<p class="message" role="alert" id="message">{html.escape(message)}</p>'
    return _fill(
        _asset("page.html"),
        {
            "lang": "zh-CN" if config.lang == "zh" else config.lang,
            "title": words["title"],
            "message": shown,
            "form": form,
        },
    )


def upload_page(config: ServeConfig, csrf: str, member: str | None, message: str | None = None) -> str:
    words = strings(config.lang)
    name_state = f'value="{html.escape(member)}" readonly' if member else ""
    limits = words["limits"].format(
        mb=config.max_bytes // (1024 * 1024), pages=config.max_pages, chars=config.max_chars
    )
    form = _fill(
        _asset("upload.html"),
        {
            **words,
            "csrf": csrf,
            "name_state": name_state,
            "storage": words["stored" if config.add else "notStored"],
            "sources": words["sources" if config.show_sources else "noSources"],
            "limits": limits,
        },
    )
    return _page(config, form, message)


def login_page(config: ServeConfig, csrf: str, message: str | None = None) -> str:
    form = _fill(_asset("login.html"), {**strings(config.lang), "csrf": csrf})
    return _page(config, form, message)


# -- the check, in a worker ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a check of one upload gave: the report page, or the status and message of a refusal."""

    status: int
    page: str = ""  # the report, as one HTML file
    message: str = ""
    originality: float | None = None
    added: bool = False


_worker = threading.local()  # per worker (process or thread): the config and the index it opened


def start_worker(config: ServeConfig) -> None:
    _worker.config = config
    _worker.index = None


def start_worker_process(config: ServeConfig, server: int) -> None:
    """``start_worker`` in a worker process of the server ``server`` (its pid), which it outlives by a second at
    most: a server killed outright (SIGKILL, or SIGTERM, after which uvicorn ends it by the signal's default
    action) cannot stop its workers, and one left behind holds the index open and its memory for nothing."""
    start_worker(config)

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="dupcheck-server-watch", daemon=True).start()
    _prepare(config)


def _prepare(config: ServeConfig) -> None:
    """What a worker's first check would wait for otherwise: the readers' libraries imported, the index opened and
    its derived data read. Only to save time: whatever fails here, the check does again and reports."""
    import_readers()
    try:
        _index(config).warm()
    except Exception as error:  # an initializer that raises breaks the pool: every check would fail
        log.warning("the index could not be read ahead of the first check: %s", error)


def _ready() -> None:
    """A task for each worker when the server starts: it starts the worker (``_prepare``) then, not at a member's
    first upload."""


def _identity(location: str) -> tuple[int, int, int] | None:
    """What says an index file was replaced (a rebuild makes a new file, which may take the old one's inode
    number: its change time differs); None for Redis, read as it is. An open SQLite index reads each commit
    anyway: this is only for a file put in its place."""
    if is_redis_url(location):
        return None
    stat = os.stat(location)
    return stat.st_dev, stat.st_ino, stat.st_ctime_ns


def _index(config: ServeConfig) -> Index:
    """The worker's open index, opened again when its file was replaced."""
    identity = _identity(config.against)
    held = getattr(_worker, "index", None)
    if held is not None and held[1] == identity:
        return held[0]
    if held is not None:
        with contextlib.suppress(DupcheckError, OSError):
            held[0].close()
    index = existing_index(config.against, config.settings.fingerprints, read_only=not config.add, preload=True)
    _worker.index = (index, identity)
    return index


def safe_name(filename: str) -> str:
    """A file name for the upload that is a name and nothing else: no folder, no control character, not too
    long; the suffix kept (it says how to read it)."""
    name = re.sub(r"[\x00-\x1f\x7f/\\:]", "", filename.replace("\\", "/").rpartition("/")[2]).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:80] or "draft"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def pdf_pages(data: bytes) -> int | None:
    """How many pages a PDF says it has (from its page tree: no page is read), None if that cannot be told (the
    reader then says why)."""
    import pypdf

    try:
        return len(pypdf.PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a broken PDF: read_document gives the reason
        return None


_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,9})\s*</(?:\w+:)?Pages>")


def docx_pages(data: bytes) -> int | None:
    """How many pages a .docx says it has (``docProps/app.xml``, as Word and WPS write it when saving; only
    that small part is unpacked, and only when its declared size is small), None if it does not say."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("docProps/app.xml")
            if info.file_size > 64 * 1024:
                return None
            found = _PAGES.search(archive.read(info))
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None  # not a .docx one can tell: read_document gives the reason
    return int(found.group(1)) if found else None


def page_count(name: str, data: bytes) -> int | None:
    """The pages an upload says it has, for the page limit: a PDF's page tree, a .docx's own count."""
    if name.endswith(".pdf"):
        return pdf_pages(data)
    if name.endswith(".docx"):
        return docx_pages(data)
    return None


def check_upload(data: bytes, filename: str, member: str | None) -> Outcome:
    """Check one uploaded draft in this worker and make its redacted report page; nothing of it is kept unless
    the config says ``add``. Runs in a worker: ``start_worker`` gave it its config."""
    config: ServeConfig = _worker.config
    words = strings(config.lang)
    name = safe_name(filename)
    if not name.endswith(ACCEPTED_SUFFIXES):
        return Outcome(415, message=words["badType"])
    if (pages := page_count(name, data)) is not None and pages > config.max_pages:
        return Outcome(413, message=words["tooManyPages"].format(pages=config.max_pages))
    try:
        with tempfile.TemporaryDirectory(prefix="dupcheck-upload-", dir=config.temp_dir) as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            result = check_against(
                path,
                _index(config),
                config.settings,
                member=member or None,
                round=config.round,
                add=config.add,
                max_chars=config.max_chars,
            )
    except ReadError as error:
        return Outcome(422, message=words["unreadable"].format(reason=error.reason))
    except IndexFileError as error:
        log.error("the index cannot be used: %s", error)
        return Outcome(503, message=words["failed"])
    except UsageError as error:
        return Outcome(400, message=words["refused"].format(reason=str(error).removeprefix(f"{path}: ")))
    report = redacted(result.report, lang=config.lang, show_sources=config.show_sources)
    (draft,) = report.documents
    # The summary (sources and verdict) is made from the redacted report: it names what the page may name.
    page = render_html(
        report,
        lang=config.lang,
        threshold=config.threshold,
        title=f"{words['title']} · {name}",
        check=summarise(report),
    )
    return Outcome(200, page=page, originality=draft.shares.originality, added=result.added)


# -- the web app ---------------------------------------------------------------------------------------------


@dataclass
class Session:
    csrf: str
    expires: float
    member: str | None = None  # who entered a code ('' for the shared token); None before
    signed_in: bool = False


class Sessions:
    """The server's sessions, in memory (a restart signs everyone out), the oldest forgotten first."""

    def __init__(self) -> None:
        self._by_id: OrderedDict[str, Session] = OrderedDict()

    def get(self, sid: str | None) -> Session | None:
        session = self._by_id.get(sid) if sid else None
        if session is None or session.expires < time.time():
            return None
        return session

    def new(self, *, signed_in: bool, member: str | None = None) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(32)
        session = Session(secrets.token_urlsafe(32), time.time() + SESSION_SECONDS, member, signed_in)
        self._by_id[sid] = session
        while len(self._by_id) > MAX_SESSIONS:
            self._by_id.popitem(last=False)
        return sid, session

    def drop(self, sid: str) -> None:
        self._by_id.pop(sid, None)


class Refused(Exception):
    """An upload refused before it is checked: the status and the member's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


async def read_upload(request: Any, config: ServeConfig) -> Upload:
    """The form of a POST /check, parsed as it streams in: its fields and one file, held in memory; ``Refused``
    as soon as the declared length or the bytes received pass the limit (nothing more is read)."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    words = strings(config.lang)
    too_big = Refused(413, words["tooBig"].format(mb=config.max_bytes // (1024 * 1024)))
    limit = config.max_bytes + 64 * 1024  # the form's other fields and boundaries
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise Refused(411, words["badForm"])
    if int(declared) > limit:
        raise too_big
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Refused(400, words["badForm"])
    upload = Upload()
    part: dict[str, Any] = {}
    header: dict[str, bytes] = {}

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, data=bytearray(), parts=part.get("parts", 0))

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] = header.get("field", b"") + data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] = header.get("value", b"") + data[start:end]

    def on_header_end() -> None:
        part["headers"][header.pop("field", b"").lower()] = header.pop("value", b"")

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(part["headers"].get(b"content-disposition", b""))
        part["name"] = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        part["filename"] = None if filename is None else filename.decode("utf-8", "replace")
        if part["filename"] is not None and upload.filename is not None:
            raise Refused(400, words["badForm"])  # one file per check

    def on_part_data(data: bytes, start: int, end: int) -> None:
        is_file = part.get("filename") is not None
        if len(part["data"]) + end - start > (config.max_bytes if is_file else FIELD_LIMIT):
            raise too_big if is_file else Refused(400, words["badForm"])
        part["data"] += data[start:end]

    def on_part_end() -> None:
        if part.get("filename") is not None:
            upload.filename, upload.data = part["filename"], part["data"]
        elif len(upload.fields) < 8:
            upload.fields[part.get("name", "")] = part["data"].decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_big
            parser.write(chunk)
        parser.finalize()
    except Refused:
        raise
    except Exception as error:  # a malformed body: python-multipart's own errors
        raise Refused(400, words["badForm"]) from error
    return upload


def _same_origin(request: Any) -> bool:
    """A POST the page itself sent: its Origin is this server's (as the browser reached it), and a browser that
    says where a request comes from says the same origin."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if not origin or not host or origin != f"{request.url.scheme}://{host}":
        return False
    return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"


def _host_allowed(request: Any, config: ServeConfig) -> bool:
    """On loopback, only a loopback name: a page elsewhere cannot point a name of its own at this server and so
    pass as the same origin (DNS rebinding)."""
    if not is_loopback(config.host):
        return True
    host = request.headers.get("host", "")
    name = host.rpartition("]")[0].lstrip("[") if host.startswith("[") else host.rpartition(":")[0] or host
    return name in LOOPBACK_NAMES or name == config.host


def _headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # Not no-referrer: with it a browser sends "Origin: null" with the page's own form, which would be refused.
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def _executor(config: ServeConfig) -> Executor:
    if config.workers == 0:
        return ThreadPoolExecutor(1, initializer=start_worker, initargs=(config,))
    import multiprocessing

    # A fresh interpreter per worker: the server's threads and its event loop are not carried into a fork.
    return ProcessPoolExecutor(
        config.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker_process,
        initargs=(config, os.getpid()),
    )


def make_app(config: ServeConfig) -> Any:
    """The Starlette app of the self-check page. The worker pool starts with the app and stops with it."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    words = strings(config.lang)
    sessions = Sessions()
    pool: dict[str, Executor] = {}
    pending = {"uploads": 0}  # being received or checked: each holds its file in memory
    secure_cookie = False  # served over plain HTTP on the organisation's network; a TLS proxy may add it

    def with_session(response: Response, sid: str) -> Response:
        response.set_cookie(
            SESSION_COOKIE,
            sid,
            max_age=SESSION_SECONDS,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure_cookie,
        )
        return response

    def page(body: str, status: int = 200, cookie: str | None = None) -> Response:
        response = HTMLResponse(body, status, headers=_headers(PAGE_POLICY))
        return response if cookie is None else with_session(response, cookie)

    def current(request: Request) -> tuple[str | None, Session | None]:
        sid = request.cookies.get(SESSION_COOKIE)
        return sid, sessions.get(sid)

    def shown(session: Session, message: str | None = None, status: int = 200, cookie: str | None = None) -> Response:
        body = (
            upload_page(config, session.csrf, session.member, message)
            if session.signed_in
            else login_page(config, session.csrf, message)
        )
        return page(body, status, cookie)

    def refused(status: int, message: str) -> Response:
        return page(_page(config, "", message), status)

    async def home(request: Request) -> Response:
        _, session = current(request)
        if session is not None:
            return shown(session)
        sid, session = sessions.new(signed_in=not config.codes)
        return shown(session, cookie=sid)

    async def login(request: Request) -> Response:
        sid, session = current(request)
        if not _same_origin(request):
            return refused(403, words["foreign"])
        if session is None or sid is None:
            return refused(403, words["expired"])
        form = await request.form(max_files=0, max_fields=4, max_part_size=FIELD_LIMIT)
        if not hmac.compare_digest(str(form.get("csrf", "")).encode(), session.csrf.encode()):
            return refused(403, words["expired"])
        member = member_for(str(form.get("code", "")), config.codes)
        if member is None:
            log.info("a wrong access code was entered")
            return shown(session, words["badCode"], 403)
        sessions.drop(sid)  # a new session once signed in: one planted before cannot be taken over
        new_sid, _ = sessions.new(signed_in=True, member=member or None)
        return with_session(RedirectResponse("/", 303, headers=_headers(PAGE_POLICY)), new_sid)

    async def check(request: Request) -> Response:
        _, session = current(request)
        if not _same_origin(request):
            return refused(403, words["foreign"])
        if session is None:
            return refused(403, words["expired"])
        if not session.signed_in:
            return shown(session, None, 403)
        if pending["uploads"] >= PENDING_PER_WORKER * max(1, config.workers):
            log.info("an upload was refused: %d are pending", pending["uploads"])
            return shown(session, words["full"], 503)
        pending["uploads"] += 1
        try:
            return await checked(request, session)
        finally:
            pending["uploads"] -= 1

    async def checked(request: Request, session: Session) -> Response:
        try:
            upload = await read_upload(request, config)
        except Refused as refusal:
            log.info("an upload was refused (%s)", refusal.status)
            return shown(session, refusal.message, refusal.status)
        if not hmac.compare_digest(upload.fields.get("csrf", "").encode(), session.csrf.encode()):
            return shown(session, words["expired"], 403)
        if not upload.filename or not upload.data:
            return shown(session, words["noFile"], 400)
        if not safe_name(upload.filename).endswith(ACCEPTED_SUFFIXES):
            return shown(session, words["badType"], 415)
        member = session.member if session.member else upload.fields.get("name", "").strip()[:40] or None
        download = upload.fields.get("action") == "download"
        started = time.monotonic()
        outcome = await _run(bytes(upload.data), upload.filename, member)
        log.info(
            "checked an upload of %d bytes in %.2f s: status %d%s",
            len(upload.data),
            time.monotonic() - started,
            outcome.status,
            ", added to the index" if outcome.added else "",
        )
        if outcome.status != 200:
            return shown(session, outcome.message, outcome.status)
        headers = _headers(REPORT_POLICY)
        if download:
            name = safe_name(upload.filename).rpartition(".")[0] + ".report.html"
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return HTMLResponse(outcome.page, headers=headers)

    async def _run(data: bytes, filename: str, member: str | None) -> Outcome:
        loop = asyncio.get_running_loop()
        for attempt in range(2):
            try:
                future = loop.run_in_executor(pool["executor"], check_upload, data, filename, member)
                return await asyncio.wait_for(future, config.timeout)
            except BrokenProcessPool:
                # A worker died (a reader crashed on a hostile file): a new pool, and this upload tried once more.
                log.error("a check's worker died; starting the pool again")
                pool["executor"].shutdown(wait=False, cancel_futures=True)
                pool["executor"] = _executor(config)
                if attempt:
                    return Outcome(500, message=words["failed"])
            except TimeoutError:
                return Outcome(503, message=words["busy"])
            except Exception as error:
                log.error("a check failed: %s", type(error).__name__)
                return Outcome(500, message=words["failed"])
        return Outcome(500, message=words["failed"])

    async def stylesheet(request: Request) -> Response:
        return Response(_asset("page.css"), media_type="text/css", headers=_headers(PAGE_POLICY))

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=_headers(PAGE_POLICY))  # a browser asks; there is none

    async def not_found(request: Request, exc: Exception) -> Response:
        return Response("", 404, headers=_headers(PAGE_POLICY))

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        pool["executor"] = _executor(config)
        for _ in range(config.workers):
            pool["executor"].submit(_ready)  # each finds no idle worker, so starts one
        try:
            yield
        finally:
            # Waiting: the workers are gone when the server is (checks under way finish, those queued do not).
            pool["executor"].shutdown(wait=True, cancel_futures=True)

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/check", check, methods=["POST"]),
            Route("/static/serve.css", stylesheet, methods=["GET"]),
            Route("/favicon.ico", no_icon, methods=["GET"]),
        ],
        exception_handlers={404: not_found, 405: not_found},
        lifespan=lifespan,
    )

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Before any route: a Host this server does not answer to gets nothing.
        if scope["type"] == "http":
            request = Request(scope)
            if not _host_allowed(request, config):
                await Response("", 421, headers=_headers(PAGE_POLICY))(scope, receive, send)
                return
        await app(scope, receive, send)

    return guarded


def run(config: ServeConfig, port: int) -> None:
    """Serve the page on ``config.host``:``port`` until interrupted."""
    import uvicorn

    validate(config)
    # The index is opened once here too: a server that cannot use it says so at once, not at the first upload.
    existing_index(config.against, config.settings.fingerprints, read_only=True).close()
    # The server's own lines (sizes, times, statuses) beside uvicorn's; uvicorn configures only its loggers.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    uvicorn.run(make_app(config), host=config.host, port=port, log_level="info", server_header=False)
