"""The HTML report of a large scan in a real browser: its size, how long it takes to show its overview, and how
long each interaction takes to answer, at 2,000 and 10,000 reports.

    python benchmarks/html_report.py                    # 2,000 and 10,000 reports
    python benchmarks/html_report.py --sizes 500 2000

With ``../shared/corpus-real`` present, its scan (146 real documents) is measured first, for what real text
compresses to: the synthetic texts are random characters, which hardly compress at all.

Scanning 10,000 real-shaped reports takes many minutes and is not what is measured here, so the report is built
synthetically, with the numbers a scan gives per document: texts of about 4,600 characters in the genre's outline
(six headings, two sub-headings each: 18 sections), their own text drawn from the character frequencies of
``../shared/corpus-real`` (``benchmarks/genre_corpus.py``; the example corpus's characters without it), members in
units of 40, each sharing two passages of 60–200 characters with each of the next five members of their unit
(about 5 pairs and 10 matches per document, 25 spans), and a group of three to six members for one report in
twenty. The page is written as ``dupcheck scan --html`` writes it: one file up to 50 MB, a folder beyond.

Chromium (the system's, driven by Playwright, as in the tests) opens the page from disk; times are measured in
the page, from navigation start (overview) or from the event (interactions) to the frame after the page has
drawn its answer: the overview shown (``performance.mark`` ``dupcheck-overview``), the reuse filter changed, the
next page of the ranking, a document opened (its texts decoded), a passage side by side, a heat-map cell
clicked. It prints a table; the README's copy gives the date and the command.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy.generate import HEADINGS
from genre_corpus import DEFAULT_SOURCE, character_frequencies, prose

from dupcheck.html_report import SINGLE_FILE_LIMIT, html_folder, html_output, is_report_folder
from dupcheck.outputs import write_tree
from dupcheck.report import (
    DocumentResult,
    GroupResult,
    MatchResult,
    PairResult,
    Report,
    SectionResult,
    Shares,
    Side,
    SpanResult,
)

ROOT = Path(__file__).resolve().parents[1]
UNIT = 40  # members per unit: they share only within it
PARTNERS = 5  # each member shares with the next five of their unit
SLOTS = 2 * PARTNERS  # passages a member shares with later members (as many again with earlier ones)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"


def alphabet(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if (DEFAULT_SOURCE / "docs").is_dir():
        return character_frequencies(DEFAULT_SOURCE)
    chars = sorted(
        {c for p in (ROOT / "corpus").rglob("*.txt") for c in p.read_text("utf-8") if "\u4e00" <= c <= "\u9fff"}
    )
    return np.array(chars), np.full(len(chars), 1 / len(chars))


def synthetic_report(n: int, seed: int = 1) -> Report:
    """``n`` documents with the pairs, matches, spans, sections and groups described above."""
    rng = np.random.default_rng(seed)
    chars, p = alphabet(rng)
    names: list[str] = []
    taken: set[str] = set()
    while len(names) < n:
        name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(rng.choice(chars, size=int(rng.integers(1, 3))))
        if name not in taken:
            taken.add(name)
            names.append(name)
    texts: dict[str, str] = {}
    outlines: dict[str, list[tuple[int, int, int, str]]] = {}
    ids = [f"第{i // UNIT + 1:03d}支部/{names[i]}.txt" for i in range(n)]
    for doc_id in ids:
        parts, heads = ["2025年度组织生活会个人对照检查材料\n"], []
        at = len(parts[0])
        for h, heading in enumerate(HEADINGS):
            start = at
            body = "".join(f"（{'一二'[k]}）{prose(rng, chars, p, 360)}\n" for k in range(2))
            parts.append(heading + "\n" + body)
            at += len(parts[-1])
            heads.append((1, start, at, heading))
            middle = start + len(heading) + 1 + len(body) // 2
            heads += [(2, start + len(heading) + 1, middle, f"（一）{h}"), (2, middle, at, f"（二）{h}")]
        texts[doc_id] = "".join(parts)
        outlines[doc_id] = heads
    size = {d: len(t) for d, t in texts.items()}

    def slot(i: int, s: int) -> tuple[int, int]:
        start = 120 + s * 210
        return start, start + 60 + (i * 7 + s * 13) % 141

    matches, pairs, used = [], [], {d: [] for d in ids}
    for i in range(n):
        for o in range(1, PARTNERS + 1):
            j = i + o
            if j >= n or j // UNIT != i // UNIT:
                continue
            a_chars = b_chars = 0
            for k in range(2):
                a, b = slot(i, 2 * (o - 1) + k), slot(j, SLOTS + 2 * (o - 1) + k)
                matches.append(MatchResult("reuse", 0.9 + 0.01 * k, Side(ids[i], *a), Side(ids[j], *b)))
                used[ids[i]].append(a)
                used[ids[j]].append(b)
                a_chars, b_chars = a_chars + a[1] - a[0], b_chars + b[1] - b[0]
            pairs.append(
                PairResult(names[i], names[j], a_chars, b_chars, a_chars / size[ids[i]], b_chars / size[ids[j]], 2)
            )
    pairs.sort(key=lambda q: -(q.chars_a + q.chars_b))
    groups = [
        GroupResult(tuple(names[i : i + g]), tuple(Side(ids[k], *slot(k, 0)) for k in range(i, i + g)))
        for i in range(0, n - 6, 20)
        for g in [3 + i % 4]
        if (i + g - 1) // UNIT == i // UNIT
    ]
    top: dict[str, tuple[str, float]] = {}
    for q in pairs:
        for me, other, share in ((q.member_a, q.member_b, q.share_a), (q.member_b, q.member_a, q.share_b)):
            if share > top.get(me, ("", 0.0))[1]:
                top[me] = (other, share)
    documents = []
    for i, doc_id in enumerate(ids):
        spans = sorted([SpanResult(0, 19, "boilerplate")] + [SpanResult(s, e, "reuse") for s, e in used[doc_id]],
                       key=lambda s: s.start)  # fmt: skip
        reuse = sum(e - s for s, e in used[doc_id]) / size[doc_id]
        shares = Shares(1 - reuse - 19 / size[doc_id], reuse, 0.0, 19 / size[doc_id])
        sections = tuple(
            SectionResult(title, level, start, end, end - start, shares)
            for level, start, end, title in outlines[doc_id]
        )
        partner, share = top.get(names[i], (None, 0.0))
        documents.append(DocumentResult(doc_id, names[i], doc_id.split("/")[0], size[doc_id], shares, sections,
                                        tuple(spans), partner, share))  # fmt: skip
    documents.sort(key=lambda d: d.shares.originality)
    return Report(
        documents=documents,
        matches=matches,
        pairs=pairs,
        groups=groups,
        errors=[],
        settings={},
        texts=texts,
        members=dict(zip(ids, names, strict=True)),
        outlines={d: [(s, e, t) for _, s, e, t in o] for d, o in outlines.items()},
    )


# Runs in the page: does `action`, waits until `done` holds, then for the frame after the next one (layout and
# paint of the answer included), and gives the milliseconds since the action began.
# (Inlined into the evaluated function: the page's Content-Security-Policy forbids eval.)
MEASURE = """async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const t0 = performance.now();
  ACTION
  while (!(DONE)) await new Promise((r) => setTimeout(r, 2));
  await frame();
  return performance.now() - t0;
}"""
DRAWN = "document.body.dataset.view === '{}' && !('busy' in document.body.dataset)"
INTERACTIONS = (
    ("filter", "const f = document.getElementById('filter-overlap'); f.value = '10';"
     "f.dispatchEvent(new Event('input'));", "true"),
    ("next page", "document.getElementById('page-next').click();", "true"),
    ("open document", "document.querySelector('#ranking a.doc-link').click();", DRAWN.format("document")),
    ("side by side", "document.querySelector('#doc-text .span-reuse').click();", DRAWN.format("side-by-side")),
    ("back", "location.hash = '#overview';", DRAWN.format("overview")),
    ("heat-map cell", "document.querySelector('#matrix td.cell.hit').click();", DRAWN.format("side-by-side")),
)  # fmt: skip


def measure(browser: object, entry: Path) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    started = time.perf_counter()
    page.goto(entry.as_uri(), timeout=120_000)
    page.wait_for_function("performance.getEntriesByName('dupcheck-overview').length > 0", timeout=120_000)
    result = {
        "overview": page.evaluate("performance.getEntriesByName('dupcheck-overview')[0].startTime"),
        "wall": 1000 * (time.perf_counter() - started),
        "nodes": page.evaluate("document.getElementsByTagName('*').length"),
    }
    for name, action, done in INTERACTIONS:
        result[name] = page.evaluate(MEASURE.replace("ACTION", action).replace("DONE", done))
    if errors:
        raise SystemExit(f"page errors: {errors}")
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox"])
        reports: list[tuple[str, Report]] = []
        if (DEFAULT_SOURCE / "docs").is_dir():
            from dupcheck.scan import scan

            real = scan(DEFAULT_SOURCE / "docs")
            reports.append((f"{len(real.documents)} (real corpus)", real))
        reports += [(f"{n:,}", synthetic_report(n)) for n in args.sizes]
        for n, report in reports:
            started = time.perf_counter()
            written = html_output(report, limit=SINGLE_FILE_LIMIT)
            built = time.perf_counter() - started
            target = Path(tmp) / f"r{len(rows)}.html"
            if written.folder:
                folder = html_folder(target)
                write_tree(folder, written.files, ours=is_report_folder)
                entry = folder / "index.html"
            else:
                (entry := target).write_text(next(iter(written.files.values())), encoding="utf-8")
            timing = measure(browser, entry)
            rows.append((n, len(report.pairs), len(report.matches), written, built, timing))
            print(f"{n} measured", file=sys.stderr)
        browser.close()

    head = ("reports", "pairs", "matches", "written as", "size MB", "texts MB", "build s", "overview ms",
            "DOM nodes", "filter ms", "next page ms", "open doc ms", "side by side ms", "back ms",
            "heat-map ms")  # fmt: skip
    table = [head]
    for n, n_pairs, n_matches, written, built, t in rows:
        kind = f"folder, {len(written.files)} files" if written.folder else "one file"
        table.append((n, f"{n_pairs:,}", f"{n_matches:,}", kind, f"{written.size / 1e6:.1f}",
                      f"{written.texts_size / 1e6:.1f}", f"{built:.1f}", f"{t['overview']:.0f}", f"{t['nodes']:,}",
                      f"{t['filter']:.0f}", f"{t['next page']:.0f}", f"{t['open document']:.0f}",
                      f"{t['side by side']:.0f}", f"{t['back']:.0f}", f"{t['heat-map cell']:.0f}"))  # fmt: skip
    widths = [max(len(r[c]) for r in table) for c in range(len(head))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table[1:]:
        print("| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
