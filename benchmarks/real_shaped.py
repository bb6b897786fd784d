"""Write a corpus of member reports shaped like real ones, with planted copies and their truth.

Reports are made of real text recycled at random: sentences and clauses of ``../shared/corpus-real`` (read at
run time, never copied into this repository; every document but the notice 052 and the template 053). Unlike
``accuracy/generate.py`` nothing is filtered out, and a sentence is drawn as often as it occurs there, so members
share genre phrases by nature as real members do (``corpus_stats.py`` measures how much: pairs sharing a
13-character passage, members per shared 13-gram). That natural overlap is not reuse: the truth holds only what
was planted.

* **Outline**: a real document's title and headings (一、… （一）…), drawn at random.
* **Length**: a real document's length (non-whitespace characters) ±10 %: median about 4,500, 1,000–9,700.
* **Own text**: sentences drawn from the real ones (weighted by how often each occurs), or, with probability
  ``--recombine``, new sentences of 2–4 real clauses drawn at random.
* **Boilerplate**: ``--phrases`` real sentences (held out of the pool), each used by a share of the members
  spread log-uniformly over 5–90 %.
* **Template**: ``templates/参考模板.txt``, paragraphs of held-out sentences; ``--template-share`` of the members
  (40 %) copy 1–4 of them (so each paragraph is in about 8 %), verbatim or lightly disguised.
* **Reuse between members**: ``--copy-share`` of the members (30 %) copy 1–2 passages of a colleague (an earlier
  member of the same unit, else a recent one), 16 characters to whole runs of paragraphs, disguised by one of
  the graded operations of ``disguise.py`` with a recorded parameter (a third verbatim).
* **Groups**: passages of held-out sentences each put into 3–5 members, lightly disguised.

Truth (``truth.json``): per document its planted spans (``outline``, ``boilerplate``, ``template``, ``reuse``),
the cases (``kind`` reuse / template / group, both sides as [document, start, end] in characters of the written
texts, ``op`` and ``k`` of the disguise), and the boilerplate phrases with their shares. Reports are streamed to
disk; only a window of recent members is held, so 50,000 reports take minutes and bounded memory.

    python benchmarks/real_shaped.py /tmp/rs-1000 --reports 1000 --seed 1
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import disguise

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus-real"
TRUTH_SCHEMA = "dupcheck.real-shaped-truth/1"
LEFT_OUT = ("052", "053")  # the notice and the official template: the generated corpus has its own template
MIN_CASE_CHARS = 16
CONTENT_SHARE = 0.89
SHORT_CLAUSE = 13  # clauses recombined into new sentences are shorter, so their 13-grams span two clauses or more
WINDOW = 64  # recent members a colleague may copy from; their truth is written once they leave the window
_SENTENCE = re.compile(r"(?<=[。！？；])")
_CLAUSE = re.compile(r"[，、：；]")
_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ENDS = "。！？；"
INDENT = "　　"


def content_len(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


# ---------------------------------------------------------------------------------------------------------
# What is read from corpus-real.


@dataclass
class Source:
    sentences: list[str]  # as often as each occurs
    clauses: list[str]
    titles: list[str]
    outlines: list[list[tuple[int, str]]]  # per document: (level, heading)
    lengths: list[int]  # non-whitespace characters per document


def read_source(source: Path) -> Source:
    files = [p for p in sorted((source / "docs").glob("*.txt")) if p.name[:3] not in LEFT_OUT]
    if not files:
        raise SystemExit(f"{source}: no docs/*.txt; the benchmark needs corpus-real (see its README)")
    sentences, titles, outlines, lengths = [], [], [], []
    for path in files:
        text = path.read_text(encoding="utf-8")
        lengths.append(sum(not ch.isspace() for ch in text))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and len(lines[0]) <= 40 and not lines[0].endswith(tuple(_ENDS)):
            titles.append(lines[0])
            lines = lines[1:]
        outline = []
        for line in lines:
            if len(line) <= 45 and not line.endswith(tuple(_ENDS)) and (_LEVEL1.match(line) or _LEVEL2.match(line)):
                outline.append((1 if _LEVEL1.match(line) else 2, line))
                continue
            for s in _SENTENCE.split(line):
                s = s.strip()
                if content_len(s) >= 4:
                    sentences.append(s if s.endswith(tuple(_ENDS)) else s + "。")
        if sum(level == 1 for level, _ in outline) >= 3:
            outlines.append(outline)
    clauses = [c for s in sentences for c in _CLAUSE.split(s.rstrip(_ENDS)) if content_len(c) >= 4]
    return Source(sentences, clauses, titles, outlines, lengths)


# ---------------------------------------------------------------------------------------------------------
# A report as paragraphs of labelled pieces.


@dataclass
class Piece:
    text: str
    label: str  # own | outline | boilerplate | template | reuse
    key: tuple = ()  # a case's side: ("copy", n) / ("tpl", n) / ("group", g)


@dataclass
class Paragraph:
    pieces: list[Piece]
    slot: int  # index of the heading the paragraph stands under (-1: title and preamble)
    heading: bool = False


@dataclass
class Written:
    """A member's report once written, kept while in the window."""

    doc: str
    text: str
    own: list[list[tuple[int, int]]]  # per slot: (start, end) of its own pieces, in order
    spans: list[list] = field(default_factory=list)  # [start, end, label]


@dataclass
class Plan:
    """The generator's knobs (the CLI's options)."""

    template_share: float = 0.4
    copy_share: float = 0.3
    recombine: float = 0.99
    clause_max: int = 24
    phrases: int = 25
    template_paragraphs: int = 12
    group_every: int = 40  # one group of 3-5 per this many members
    max_groups: int = 300
    verbatim_share: float = 1 / 3
    max_copy: int = 1500


class Generator:
    def __init__(self, source: Source, plan: Plan, rng: random.Random) -> None:
        self.plan, self.rng = plan, rng
        distinct = sorted(set(source.sentences))
        rng.shuffle(distinct)
        eligible = [s for s in distinct if 20 <= content_len(s) <= 90]
        self.phrases = eligible[: plan.phrases]
        rest = eligible[plan.phrases :]
        self.template = [rest[i : i + rng.randint(2, 4)] for i in range(0, 4 * plan.template_paragraphs, 4)]
        held = set(self.phrases) | {s for p in self.template for s in p}
        self.outside = [s for s in rest[4 * plan.template_paragraphs : 4 * plan.template_paragraphs + 900]]
        held |= set(self.outside)
        self.sentences = [s for s in source.sentences if s not in held]
        held_clauses = {c for s in held for c in _CLAUSE.split(s.rstrip(_ENDS))}
        self.clauses = [c for c in source.clauses if c not in held_clauses and content_len(c) <= plan.clause_max]
        self.titles, self.outlines, self.lengths = source.titles, source.outlines, source.lengths
        lo, hi = math.log(0.05), math.log(0.9)
        self.phrase_share = [math.exp(rng.uniform(lo, hi)) for _ in self.phrases]
        self.phrase_slot = [rng.choice(("open", "open", "close", 0, 1, 2, 3, 4, 5)) for _ in self.phrases]
        self.phrase_users = [0] * len(self.phrases)

    # own text ------------------------------------------------------------------------------------------

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() >= self.plan.recombine:
            return rng.choice(self.sentences)
        parts = [rng.choice(self.clauses).strip() for _ in range(rng.randint(2, 4))]
        return "，".join(parts) + "。"

    def own_text(self, chars: int) -> str:
        out, n = [], 0
        while n < chars:
            s = self.sentence()
            out.append(s)
            n += content_len(s)
        return "".join(out)


def _case_length(rng: random.Random, longest: int, cap: int) -> int:
    return min(longest, round(math.exp(rng.uniform(math.log(MIN_CASE_CHARS), math.log(cap)))))


def _cut(text: str, chars: int) -> str:
    """The start of ``text`` holding ``chars`` content characters, ended on a sentence end when one is near."""
    n = 0
    for i, ch in enumerate(text):
        if ch.isalnum():
            n += 1
            if n == chars:
                end = i + 1
                while end < len(text) and not text[end].isalnum() and text[end] != "\n":
                    end += 1
                return text[:end]
    return text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _disguise(rng: random.Random, plan: Plan, light: bool) -> tuple[str, int]:
    if light:
        return rng.choice(disguise.LIGHT)
    if rng.random() < plan.verbatim_share:
        return "none", 0
    op = rng.choice([o for o in disguise.OPERATIONS if o != "none"])
    return op, rng.choice(disguise.OPERATIONS[op][1])


def generate(out: Path, reports: int, seed: int = 1, source: Path = DEFAULT_SOURCE, plan: Plan | None = None) -> dict:
    """Write ``out/corpus/<unit>/<member>.txt``, ``out/templates/参考模板.txt`` and ``out/truth.json``;
    returns a summary."""
    if out.resolve().is_relative_to(ROOT):
        raise ValueError(f"{out}: write generated corpora outside the repository; they hold text of corpus-real")
    if reports < 6:
        raise ValueError(f"a corpus needs at least 6 reports, got {reports}")
    plan = plan or Plan()
    rng = random.Random(seed)
    gen = Generator(read_source(source), plan, rng)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    (out / "templates").mkdir(parents=True, exist_ok=True)
    template_spans = _write_template(out / "templates" / "参考模板.txt", gen.template)

    groups = _plan_groups(reports, gen, plan, rng)
    group_of: dict[int, list[int]] = {}
    for g, (members, _) in enumerate(groups):
        for m in members:
            group_of.setdefault(m, []).append(g)
    group_sides: dict[int, list[dict]] = {}

    cases: list[dict] = []
    window: deque[tuple[str, Written]] = deque()  # (unit, written)
    truth_path = out / "truth.json"
    tmp_docs = out / "truth.documents.tmp"
    unit, unit_left, unit_number = "", 0, 0
    chars_total = 0
    with tmp_docs.open("w", encoding="utf-8") as docs_sink:
        first = True

        def flush(written: Written) -> None:
            nonlocal first
            entry = {"member": Path(written.doc).name.split("-")[0].removesuffix(".txt"), "spans": written.spans}
            entry["spans"] = _merge(written.spans)
            docs_sink.write(("" if first else ",\n") + json.dumps(written.doc, ensure_ascii=False) + ": ")
            docs_sink.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
            first = False

        for i in range(reports):
            if unit_left == 0:
                unit_number += 1
                unit, unit_left = f"u{unit_number:04d}", rng.randint(8, 40)
            unit_left -= 1
            member = f"m{i + 1:06d}"
            name = f"{member}.txt" if rng.random() < 0.5 else f"{member}-对照检查材料.txt"
            doc = f"{unit}/{name}"
            written, case_sides = _report(gen, plan, rng, doc, unit, window, template_spans, groups, group_of.get(i))
            (out / "corpus" / unit).mkdir(exist_ok=True)
            (out / "corpus" / doc).write_text(written.text, encoding="utf-8", newline="\n")
            chars_total += sum(not ch.isspace() for ch in written.text)
            for side in case_sides:
                if side["kind"] == "group":
                    group_sides.setdefault(side["group"], []).append(side)
                else:
                    cases.append(side)
            window.append((unit, written))
            if len(window) > WINDOW:
                flush(window.popleft()[1])
        while window:
            flush(window.popleft()[1])

    for g, sides in sorted(group_sides.items()):
        for x, y in itertools.combinations(sides, 2):
            cases.append(
                {"kind": "group", "group": g, "a": x["b"], "b": y["b"], "op": [x["op"], y["op"]], "k": [x["k"], y["k"]]}
            )
    boilerplate = [
        {"text": t, "share": round(s, 4), "members": n, "slot": str(slot)}
        for t, s, n, slot in zip(gen.phrases, gen.phrase_share, gen.phrase_users, gen.phrase_slot, strict=True)
    ]
    header = {
        "schema": TRUTH_SCHEMA,
        "seed": seed,
        "reports": reports,
        "plan": plan.__dict__,
        "templates": ["templates/参考模板.txt"],
        "template_paragraphs": [["templates/参考模板.txt", s, e] for s, e in template_spans],
    }
    with truth_path.open("w", encoding="utf-8") as sink:
        sink.write(json.dumps(header, ensure_ascii=False)[:-1] + ',\n"documents": {\n')
        with tmp_docs.open(encoding="utf-8") as docs:
            for chunk in iter(lambda: docs.read(1 << 20), ""):
                sink.write(chunk)
        sink.write('\n},\n"boilerplate": ' + json.dumps(boilerplate, ensure_ascii=False) + ',\n"cases": [\n')
        sink.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
        sink.write("\n]}\n")
    tmp_docs.unlink()
    kinds = {k: sum(c["kind"] == k for c in cases) for k in ("reuse", "template", "group")}
    return {"reports": reports, "units": unit_number, "chars": chars_total, "cases": kinds}


def _write_template(path: Path, paragraphs: list[list[str]]) -> list[tuple[int, int]]:
    parts, spans, at = [], [], 0
    headings = ("一、基本情况", "二、对照检查", "三、原因分析", "四、整改措施")
    per = math.ceil(len(paragraphs) / len(headings))
    for i, p in enumerate(paragraphs):
        if i % per == 0:
            line = headings[i // per] + "\n"
            parts.append(line)
            at += len(line)
        text = "".join(p)
        parts.append(INDENT + text + "\n")
        spans.append(_trim(INDENT + text, 0, len(INDENT) + len(text)))
        spans[-1] = (at + spans[-1][0], at + spans[-1][1])
        at += len(INDENT) + len(text) + 1
    path.write_text("".join(parts), encoding="utf-8", newline="\n")
    return spans


def _plan_groups(reports: int, gen: Generator, plan: Plan, rng: random.Random) -> list[tuple[list[int], str]]:
    count = min(plan.max_groups, max(1, reports // plan.group_every))
    groups, at = [], 0
    for _ in range(count):
        n = rng.randint(1, 3)
        text = "".join(gen.outside[at : at + n])
        at = (at + n) % max(1, len(gen.outside) - 3)
        groups.append((sorted(rng.sample(range(reports), rng.randint(3, min(5, reports)))), text))
    return groups


def _report(
    gen: Generator,
    plan: Plan,
    rng: random.Random,
    doc: str,
    unit: str,
    window: deque,
    template_spans: list[tuple[int, int]],
    groups: list,
    my_groups: list[int] | None,
) -> tuple[Written, list[dict]]:
    outline = rng.choice(gen.outlines)
    # a real length (non-whitespace characters) as letters and digits: about 89 % of them in the real texts
    target = round(min(9700, max(1000, rng.choice(gen.lengths) * rng.uniform(0.9, 1.1))) * CONTENT_SHARE)
    paragraphs = [Paragraph([Piece(rng.choice(gen.titles), "outline")], -1, heading=True)]
    preamble = Paragraph([], -1)
    paragraphs.append(preamble)
    for s, (_, heading) in enumerate(outline):
        paragraphs.append(Paragraph([Piece(heading, "outline")], s, heading=True))
    slots = len(outline)
    inserts: list[tuple[int, Piece, bool]] = []  # (slot, piece, own paragraph?)
    used = sum(content_len(p.pieces[0].text) for p in paragraphs if p.pieces)

    # boilerplate
    closing = []
    level1 = [s for s, (level, _) in enumerate(outline) if level == 1]
    for j, phrase in enumerate(gen.phrases):
        if rng.random() >= gen.phrase_share[j]:
            continue
        gen.phrase_users[j] += 1
        slot = gen.phrase_slot[j]
        piece = Piece(phrase, "boilerplate")
        if slot == "open":
            preamble.pieces.append(piece)
        elif slot == "close":
            closing.append(piece)
        else:
            inserts.append((level1[min(slot, len(level1) - 1)], piece, False))
        used += content_len(phrase)

    sides: list[dict] = []
    # template
    if rng.random() < plan.template_share:
        for t in sorted(rng.sample(range(len(gen.template)), rng.randint(1, 4))):
            op, k = _disguise(rng, plan, light=True)
            text = disguise.apply(op, "".join(gen.template[t]), k, rng)
            key = ("tpl", len(sides))
            inserts.append((rng.randrange(slots), Piece(text, "template", key), True))
            used += content_len(text)
            sides.append(
                {
                    "kind": "template",
                    "a": ["templates/参考模板.txt", *template_spans[t]],
                    "key": key,
                    "op": op,
                    "k": k,
                    "paragraph": t,
                }
            )
    # copies from a colleague
    if window and rng.random() < plan.copy_share:
        colleagues = [w for u, w in window if u == unit]
        for _ in range(rng.choice((1, 1, 2))):
            source = rng.choice(colleagues) if colleagues and rng.random() < 0.8 else rng.choice(window)[1]
            found = _pick_copy(source, rng, plan)
            if found is None:
                continue
            slot, (start, end), copied = found
            op, k = _disguise(rng, plan, light=False)
            own = gen.own_text(content_len(copied)) if op == "interleave" else ""
            text = disguise.apply(op, copied, k, rng, own)
            key = ("copy", len(sides))
            short = content_len(copied) < 60
            inserts.append((min(slot, slots - 1), Piece(text, "reuse", key), not short))
            used += content_len(text)
            s, e = _trim(source.text, start, end)
            source.spans.append([s, e, "reuse"])
            sides.append(
                {"kind": "reuse", "a": [source.doc, s, e], "key": key, "op": op, "k": k, "chars": content_len(copied)}
            )
    # groups
    for g in my_groups or ():
        op, k = _disguise(rng, plan, light=True)
        text = disguise.apply(op, groups[g][1], k, rng)
        key = ("group", g)
        inserts.append((rng.randrange(slots), Piece(text, "reuse", key), rng.random() < 0.5))
        used += content_len(text)
        sides.append({"kind": "group", "group": g, "key": key, "op": op, "k": k})

    # own text: the rest of the length, spread over the slots (and the preamble) in paragraphs of 2-8 sentences
    left = max(0, target - used)
    body: dict[int, list[Paragraph]] = {}
    shares = [rng.uniform(0.5, 1.5) for _ in range(slots + 1)]
    total = sum(shares)
    preamble.pieces.append(Piece(gen.own_text(max(20, round(left * shares[-1] / total / 2))), "own"))
    for slot in range(slots):
        chars = round(left * shares[slot] / total)
        if outline[slot][0] == 1 and slot + 1 < slots and outline[slot + 1][0] == 2:
            chars //= 4  # a heading with sub-headings: little text of its own
        while chars > 0:
            sentences, n = [], rng.randint(2, 8)
            while chars > 0 and len(sentences) < n:
                sentences.append(gen.sentence())
                chars -= content_len(sentences[-1])
            body.setdefault(slot, []).append(Paragraph([Piece("".join(sentences), "own")], slot))
    for slot, piece, alone in inserts:
        mine = body.setdefault(slot, [])
        if alone or not mine:
            mine.insert(rng.randint(0, len(mine)), Paragraph([piece], slot))
        else:
            rng.choice(mine).pieces.append(piece)
    if closing:
        body.setdefault(slots - 1, []).append(Paragraph(closing, slots - 1))
    ordered = paragraphs[:2]
    for s in range(slots):
        ordered.append(paragraphs[2 + s])
        ordered += body.get(s, [])
    written, keyed = _render(doc, ordered)
    for side in sides:
        side["b"] = [doc, *keyed[side.pop("key")]]
    return written, sides


def _pick_copy(source: Written, rng: random.Random, plan: Plan) -> tuple[int, tuple[int, int], str] | None:
    """A passage of a colleague's own text: from a sentence start, over consecutive own paragraphs of one slot
    (paragraphs with nothing planted between them)."""
    slots = [s for s, runs in enumerate(source.own) if runs]
    if not slots:
        return None
    slot = rng.choice(slots)
    runs = source.own[slot]
    first = rng.randrange(len(runs))
    start, stop = runs[first]
    for s2, e2 in runs[first + 1 :]:
        if source.text[stop:s2].strip(INDENT + "\n"):
            break
        stop = e2
    region = source.text[start:stop]
    available = content_len(region)
    if available < MIN_CASE_CHARS:
        return None
    chars = _case_length(rng, available, plan.max_copy)
    if chars < available and rng.random() < 0.5:  # start at a later sentence
        starts = [m.end() for m in _SENTENCE.finditer(region) if content_len(region[m.end() :]) >= chars]
        if starts:
            offset = rng.choice(starts)
            start, region = start + offset, region[offset:]
    copied = _cut(region, chars).rstrip("\n" + INDENT)
    return slot, (start, start + len(copied)), copied


def _render(doc: str, paragraphs: list[Paragraph]) -> tuple[Written, dict[tuple, tuple[int, int]]]:
    parts: list[str] = []
    spans: list[list] = []
    keyed: dict[tuple, tuple[int, int]] = {}
    slots = max((p.slot for p in paragraphs), default=0) + 1
    own: list[list[tuple[int, int]]] = [[] for _ in range(slots)]
    at = 0
    for paragraph in paragraphs:
        if not paragraph.pieces:
            continue
        if not paragraph.heading:
            parts.append(INDENT)
            at += len(INDENT)
        for piece in paragraph.pieces:
            start, at = at, at + len(piece.text)
            parts.append(piece.text)
            if piece.label == "own":
                if paragraph.slot >= 0:
                    own[paragraph.slot].append((start, at))
                continue
            s, e = _trim(piece.text, 0, len(piece.text))
            if e > s:
                spans.append([start + s, start + e, piece.label])
                if piece.key:
                    keyed[piece.key] = (start + s, start + e)
        parts.append("\n")
        at += 1
    return Written(doc, "".join(parts), own, spans), keyed


def _merge(spans: list[list]) -> list[list]:
    out: list[list] = []
    for start, end, label in sorted(spans):
        if out and out[-1][2] == label and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end, label])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write corpus/, templates/ and truth.json into")
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)))
    defaults = Plan()
    parser.add_argument("--template-share", type=float, default=defaults.template_share)
    parser.add_argument("--copy-share", type=float, default=defaults.copy_share)
    parser.add_argument("--clause-max", type=int, default=defaults.clause_max, help="longest clause recombined")
    parser.add_argument("--recombine", type=float, default=defaults.recombine, help="own sentences made of clauses")
    parser.add_argument("--phrases", type=int, default=defaults.phrases, help="boilerplate phrases")
    args = parser.parse_args()
    plan = Plan(
        template_share=args.template_share,
        copy_share=args.copy_share,
        recombine=args.recombine,
        clause_max=args.clause_max,
        phrases=args.phrases,
    )
    started = time.perf_counter()
    summary = generate(args.out, args.reports, args.seed, args.source, plan)
    print(
        f"{args.out}: {summary['reports']:,} reports in {summary['units']:,} units, {summary['chars']:,} characters, "
        f"cases {summary['cases']}, {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
