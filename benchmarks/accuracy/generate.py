"""Write a labelled corpus of member reports: the texts, a template, and the truth as character spans.

Original text is real: sentences from ``../shared/corpus-real`` (read at run time, never copied into this
repository), kept only if none of their 8-character runs occurs in a sentence kept before them or in the
set phrases below, so "original" text shares nothing a detector could find. Each sentence is used once.
Everything else is planted, with its truth recorded:

* boilerplate: the title, the outline headings and set phrases, each used by a third or more of the members;
* template: paragraphs of a reference template (``templates/参考模板.txt``), copied verbatim or lightly edited;
* reuse: a member's paragraph copied by another member (verbatim, light, medium, heavy obfuscation, or only
  part of it), and passages from a source outside the corpus shared by a group of 3–5 members.

Run ``python benchmarks/accuracy/generate.py OUT --members 200 --seed 1``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus-real"
TRUTH_SCHEMA = "dupcheck.accuracy-truth/1"
LEVELS = ("verbatim", "light", "medium", "heavy", "partial", "group")

TITLE = "2025年度组织生活会个人对照检查材料"
HEADINGS = (
    "一、在学习贯彻党的创新理论方面",
    "二、在加强党性锻炼、严守纪律规矩方面",
    "三、在联系服务群众、改进工作作风方面",
    "四、在发挥先锋模范作用方面",
    "五、问题产生的根源剖析",
    "六、下一步整改措施和努力方向",
)
# Set phrases of the genre. Each is used by a random share (a third or more) of the members.
OPENERS = (
    "根据组织生活会的通知要求，本人认真学习规定篇目，广泛征求意见建议，现将个人对照检查情况报告如下。",
    "会前，本人通过个别谈心、集中研讨等方式，深入查摆自身存在的突出问题。",
)
SECTION_OPENERS = {  # the section (index into HEADINGS) each opens
    "对照检查要求，结合自身实际，主要存在以下几个方面的不足：": 0,
    "在纪律规矩方面，对照党章党规，本人还存在一些差距：": 1,
    "经过认真反思，深挖问题产生的根源，主要有以下几点：": 4,
    "针对查摆出的问题，本人将从以下几个方面抓好整改落实：": 5,
}
TEMPLATE_HEADINGS = ("一、基本情况", "二、对照检查情况", "三、原因分析", "四、整改方向")
# Words of the genre and a stand-in each; a copier swaps them to hide a copy. Both directions are used.
SYNONYMS = (
    ("加强", "强化"),
    ("提高", "提升"),
    ("认真", "切实"),
    ("深入", "深化"),
    ("问题", "短板"),
    ("工作", "业务"),
    ("推动", "推进"),
    ("落实", "贯彻"),
    ("不够", "不足"),
    ("能力", "本领"),
    ("存在", "出现"),
    ("没有", "未能"),
    ("思想", "观念"),
    ("群众", "职工"),
    ("学习", "研学"),
    ("坚持", "始终"),
    ("重视", "关注"),
    ("今后", "下一步"),
    ("及时", "迅速"),
    ("严格", "从严"),
    ("要求", "标准"),
    ("主动", "积极"),
    ("方面", "领域"),
    ("全面", "系统"),
    ("时候", "时期"),
    ("开展", "组织"),
    ("建设", "构建"),
    ("作用", "效能"),
    ("进行", "开展"),
    ("一些", "部分"),
    ("发展", "进步"),
    ("管理", "管控"),
    ("服务", "保障"),
    ("制度", "机制"),
    ("责任", "职责"),
    ("自己", "本人"),
    ("工作中", "实践中"),
    ("有时", "偶尔"),
    ("较少", "不多"),
    ("缺乏", "欠缺"),
)
FILLERS = ("切实", "进一步", "不断", "认真", "始终", "持续", "全面", "积极")
MIN_CASE_CHARS = 30  # shorter copies are no finding a reviewer acts on, and none is planted
SHINGLE = 8  # an 8-character run shared between original sentences would be a finding; none is kept
_NOT_BODY = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(]|\d|第)")
_SENTENCE = re.compile(r"(?<=[。！？；])")
_CLAUSE = re.compile(r"(?<=，)")


def content(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _grams(text: str) -> set[str]:
    c = content(text)
    return {c[i : i + SHINGLE] for i in range(len(c) - SHINGLE + 1)}


def sentence_pool(source: Path, rng: random.Random, min_chars: int = 10, max_chars: int = 120) -> list[str]:
    """Real sentences, shuffled, none sharing an 8-character run with another or with the set phrases."""
    files = sorted((source / "docs").glob("*.txt"))
    if not files:
        raise SystemExit(f"{source}: no .txt files; the benchmark needs ../shared/corpus-real (see its README)")
    sentences = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in _SENTENCE.split(line.strip()):
                sentence = sentence.strip()
                if (
                    sentence.endswith(("。", "！", "？", "；"))
                    and min_chars <= len(content(sentence)) <= max_chars
                    and not _NOT_BODY.match(sentence)
                ):
                    sentences.append(sentence)
    rng.shuffle(sentences)
    seen: set[str] = set()
    for phrase in (TITLE, *HEADINGS, *OPENERS, *SECTION_OPENERS, *TEMPLATE_HEADINGS, *FILLERS):
        seen |= _grams(phrase)
    pool = []
    for sentence in sentences:
        grams = _grams(sentence)
        if grams & seen:
            continue
        seen |= grams
        pool.append(sentence)
    return pool


# ---------------------------------------------------------------------------------------------------------
# Obfuscation. Each function returns the copy's text; a dropped clause is reported so the source's truth
# can leave it original (nobody else holds it).

_SYNONYM_OF = {a: b for a, b in SYNONYMS} | {b: a for a, b in SYNONYMS}
_SYNONYM_RE = re.compile("|".join(sorted(map(re.escape, _SYNONYM_OF), key=len, reverse=True)))


def swap_synonyms(text: str, count: int, rng: random.Random) -> tuple[str, int]:
    """Replace ``count`` dictionary words (fewer if the text holds fewer); returns the text and the number done."""
    found = list(_SYNONYM_RE.finditer(text))
    chosen = sorted(rng.sample(found, min(count, len(found))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        text = text[: m.start()] + _SYNONYM_OF[m.group()] + text[m.end() :]
    return text, len(chosen)


def insert_fillers(text: str, count: int, rng: random.Random) -> str:
    """Insert filler words (切实, 进一步, …) at the start of clauses."""
    starts = [m.end() for m in re.finditer(r"[，；：]", text) if m.end() < len(text)] or [0]
    for at in sorted(rng.sample(starts, min(count, len(starts))), reverse=True):
        text = text[:at] + rng.choice(FILLERS) + text[at:]
    return text


def change_punctuation(text: str, rng: random.Random) -> str:
    marks = [m.start() for m in re.finditer("[，；]", text)]
    if not marks:
        return text
    at = rng.choice(marks)
    return text[:at] + ("；" if text[at] == "，" else "，") + text[at + 1 :]


def swap_clauses(sentence: str, rng: random.Random) -> str:
    """Exchange two neighbouring clauses of a sentence, keeping its final mark at the end."""
    body, end = sentence[:-1], sentence[-1]
    clauses = [c.rstrip("，") for c in _CLAUSE.split(body) if c.rstrip("，")]
    if len(clauses) < 2:
        return sentence
    i = rng.randrange(len(clauses) - 1)
    clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
    return "，".join(clauses) + end


def light(sentences: Sequence[str], rng: random.Random) -> str:
    text = "".join(sentences)
    text, done = swap_synonyms(text, 1, rng)
    if not done:
        text = insert_fillers(text, 1, rng)
    return change_punctuation(text, rng)


def medium(sentences: Sequence[str], rng: random.Random) -> str:
    sentences = list(sentences)
    longest = max(range(len(sentences)), key=lambda i: len(sentences[i]))
    sentences[longest] = swap_clauses(sentences[longest], rng)
    text = "".join(sentences)
    text, _ = swap_synonyms(text, max(2, len(text) // 30), rng)
    return insert_fillers(text, max(1, len(text) // 50), rng)


def drop_clause(sentences: Sequence[str], rng: random.Random) -> tuple[list[str], tuple[int, str] | None]:
    """Remove one inner clause from the sentence with the most clauses; returns it with its sentence index."""
    counts = [len(_CLAUSE.split(s)) for s in sentences]
    i = max(range(len(sentences)), key=lambda k: counts[k])
    if counts[i] < 2:
        return list(sentences), None
    clauses = _CLAUSE.split(sentences[i])
    k = rng.randrange(len(clauses) - 1)  # never the last clause, which carries the sentence's end
    out = list(sentences)
    out[i] = "".join(clauses[:k] + clauses[k + 1 :])
    return out, (i, clauses[k])


def heavy(sentences: Sequence[str], rng: random.Random) -> tuple[str, tuple[int, str] | None]:
    kept, dropped = drop_clause(sentences, rng)
    order = list(range(len(kept)))
    while len(order) > 1 and order == sorted(order):
        rng.shuffle(order)
    return medium([kept[i] for i in order], rng), dropped


# ---------------------------------------------------------------------------------------------------------
# The documents, as pieces of text with a label; cases refer to pieces.


@dataclass
class Piece:
    text: str
    label: str  # original | boilerplate | template | reuse
    key: tuple = ()  # names the piece for a case's span: (case number, side)


@dataclass
class Paragraph:
    pieces: list[Piece]
    section: int  # index into HEADINGS, -1 for the preamble
    source_of: int | None = None  # case number once another member copied it
    sentences: list[str] = field(default_factory=list)  # when original: its sentences


@dataclass
class Member:
    name: str
    paragraphs: list[Paragraph]


@dataclass(frozen=True)
class Case:
    number: int
    level: str
    a: str  # member holding the source passage (for a group: one of the members)
    b: str
    a_key: tuple
    b_key: tuple


class Pool:
    def __init__(self, sentences: list[str]) -> None:
        self._sentences = iter(sentences)
        self.used_chars = 0

    def take(self, n: int) -> list[str]:
        out = list(itertools.islice(self._sentences, n))
        if len(out) < n:
            raise SystemExit("the sentence pool is exhausted: ask for fewer members or fewer characters each")
        self.used_chars += sum(len(content(s)) for s in out)
        return out


def _members(count: int, pool: Pool, sentences_each: int, rng: random.Random) -> list[Member]:
    opener_users = _users(count, len(OPENERS), rng)
    section_opener_users = dict(zip(SECTION_OPENERS, _users(count, len(SECTION_OPENERS), rng), strict=True))
    per_section, extra = divmod(sentences_each - 1, len(HEADINGS))
    members = []
    for m in range(count):
        paragraphs = [Paragraph([Piece(TITLE, "boilerplate")], -1)]
        preamble = [Piece(OPENERS[i], "boilerplate") for i in range(len(OPENERS)) if m in opener_users[i]]
        sentences = pool.take(1)
        paragraphs.append(Paragraph([*preamble, Piece("".join(sentences), "original")], -1, sentences=sentences))
        for s, heading in enumerate(HEADINGS):
            paragraphs.append(Paragraph([Piece(heading, "boilerplate")], s))
            openers = [o for o, at in SECTION_OPENERS.items() if at == s and m in section_opener_users[o]]
            left = per_section + (s < extra)
            while left:
                sentences = pool.take(min(left, rng.randint(2, 4)))  # a paragraph
                left -= len(sentences)
                pieces = [Piece(o, "boilerplate") for o in openers] + [Piece("".join(sentences), "original")]
                openers = []
                paragraphs.append(Paragraph(pieces, s, sentences=sentences))
        members.append(Member(f"m{m + 1:03d}", paragraphs))
    return members


def _users(count: int, phrases: int, rng: random.Random) -> list[set[int]]:
    """For each set phrase, the members using it: a third of them or more."""
    return [set(rng.sample(range(count), max(2, round(count * rng.uniform(0.34, 0.9))))) for _ in range(phrases)]


def _template(pool: Pool, rng: random.Random) -> list[list[str]]:
    """The template's paragraphs, as sentence lists, three per template heading, each of two sentences or more
    and 60 characters or more: a lightly edited copy of a shorter one may keep no run of 13 characters."""
    return [_passage(pool, 60) for _ in range(3 * len(TEMPLATE_HEADINGS))]


def _passage(pool: Pool, chars: int) -> list[str]:
    """Two sentences or more from the pool, together at least ``chars`` characters."""
    sentences = pool.take(2)
    while sum(len(content(x)) for x in sentences) < chars:
        sentences += pool.take(1)
    return sentences


def _insert(member: Member, section: int, paragraph: Paragraph, rng: random.Random) -> None:
    """Put a paragraph somewhere in a section, after its heading."""
    places = [i for i, p in enumerate(member.paragraphs) if p.section == section]
    member.paragraphs.insert(rng.choice(places[1:] or places) + 1, paragraph)


def _plant_templates(members: list[Member], template: list[list[str]], rng: random.Random) -> None:
    popular = rng.randrange(len(template))  # one paragraph most members take, so template beats boilerplate
    for member in members:
        taken = {popular} if rng.random() < 0.45 else set()
        taken |= set(rng.sample(range(len(template)), rng.choice((0, 1, 1, 2))))
        for t in sorted(taken):
            sentences = template[t]
            text = "".join(sentences) if rng.random() < 0.5 else light(sentences, rng)
            section = rng.randrange(len(HEADINGS) - 2)
            _insert(member, section, Paragraph([Piece(text, "template")], section), rng)


def _plant_reuse(members: list[Member], pool: Pool, count: int, groups: int, rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    levels = itertools.cycle(LEVELS[:5])
    for _ in range(count):
        level = next(levels)
        a, b = rng.sample(members, 2)
        sources = [
            (p, part)
            for p in a.paragraphs
            if p.sentences and p.source_of is None and p.section >= 0
            for part in _copyable(p.sentences, level)
        ]
        targets = [p for p in b.paragraphs if p.sentences and p.source_of is None and p.section >= 0]
        if not sources or not targets:
            continue
        number = len(cases)
        source, (first, stop) = rng.choice(sources)
        source.source_of = number
        sentences = source.sentences
        if level == "partial":
            copied = sentences[first:stop]
            before, after = "".join(sentences[:first]), "".join(sentences[stop:])
            source.pieces[-1:] = [
                Piece(before, "original"),
                Piece("".join(copied), "reuse", (number, "a")),
                Piece(after, "original"),
            ]
            text = "".join(copied) if rng.random() < 0.5 else light(copied, rng)
            target = rng.choice(targets)
            target.source_of = number
            target.pieces.append(Piece(text, "reuse", (number, "b")))
        else:
            dropped = None
            if level == "verbatim":
                text = "".join(sentences)
            elif level == "light":
                text = light(sentences, rng)
            elif level == "medium":
                text = medium(sentences, rng)
            else:
                text, dropped = heavy(sentences, rng)
            source.pieces[-1:] = _source_pieces(sentences, dropped, number)
            section = source.section if any(p.section == source.section for p in b.paragraphs) else 0
            _insert(b, section, Paragraph([Piece(text, "reuse", (number, "b"))], section, source_of=number), rng)
        cases.append(Case(number, level, a.name, b.name, (number, "a"), (number, "b")))

    for _ in range(groups):
        number = len(cases)
        sentences = _passage(pool, MIN_CASE_CHARS)
        group = rng.sample(members, rng.randint(3, 5))
        for k, member in enumerate(group):
            text = "".join(sentences) if rng.random() < 0.5 else light(sentences, rng)
            section = rng.randrange(len(HEADINGS))
            _insert(member, section, Paragraph([Piece(text, "reuse", (number, k))], section, source_of=number), rng)
        for (i, x), (j, y) in itertools.combinations(enumerate(group), 2):
            cases.append(Case(number, "group", x.name, y.name, (number, i), (number, j)))
    return cases


def _copyable(sentences: list[str], level: str) -> list[tuple[int, int]]:
    """The sentence ranges of an original paragraph a case at this level may copy: all of a paragraph of two
    sentences or more, or for a partial copy one or two of its sentences but not all."""
    n = len(sentences)
    if level == "partial":
        parts = [(i, j) for i in range(n) for j in range(i + 1, min(n, i + 2) + 1) if j - i < n]
    else:
        parts = [(0, n)] if n >= 2 else []
    return [(i, j) for i, j in parts if sum(len(content(x)) for x in sentences[i:j]) >= MIN_CASE_CHARS]


def _source_pieces(sentences: list[str], dropped: tuple[int, str] | None, number: int) -> list[Piece]:
    """The source paragraph as pieces: reuse, but a clause the copier dropped stays original."""
    key = (number, "a")
    if dropped is None:
        return [Piece("".join(sentences), "reuse", key)]
    i, clause = dropped
    at = sentences[i].index(clause)
    before = "".join(sentences[:i]) + sentences[i][:at]
    after = sentences[i][at + len(clause) :] + "".join(sentences[i + 1 :])
    return [Piece(before, "reuse", key), Piece(clause, "original"), Piece(after, "reuse", key)]


# ---------------------------------------------------------------------------------------------------------
# Rendering: text, spans, sections and case spans in offsets of the written text.


@dataclass
class Rendered:
    text: str
    spans: list[tuple[int, int, str]]
    sections: list[tuple[int, int]]
    keyed: dict[tuple, tuple[int, int]]  # piece key -> (start, end), widened over all pieces of the key


def render(member: Member, rng: random.Random) -> Rendered:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    keyed: dict[tuple, tuple[int, int]] = {}
    heading_starts = []
    at = 0
    indent = rng.choice(("", "　　"))
    for paragraph in member.paragraphs:
        is_heading = paragraph.pieces[0].text in HEADINGS
        if is_heading:
            heading_starts.append(at)
        lead = "" if is_heading or paragraph.pieces[0].text == TITLE else indent
        parts.append(lead)
        at += len(lead)
        for piece in paragraph.pieces:
            if not piece.text:
                continue
            start, at = at, at + len(piece.text)
            parts.append(piece.text)
            if piece.label != "original":
                spans.append((start, at, piece.label))
            if piece.key:
                s, e = keyed.get(piece.key, (start, at))
                keyed[piece.key] = (min(s, start), max(e, at))
        parts.append("\n")
        at += 1
    text = "".join(parts)
    bounds = [0, *heading_starts, len(text)]
    sections = [(s, e) for s, e in itertools.pairwise(bounds) if s < e]
    return Rendered(text, _trim(text, _merge(spans)), sections, keyed)


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if out and out[-1][2] == label and start == out[-1][1]:
            out[-1] = (out[-1][0], end, label)
        else:
            out.append((start, end, label))
    return out


def _trim(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans start and end on a content character: punctuation at their edges belongs to nobody."""
    out = []
    for start, end, label in spans:
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if start < end:
            out.append((start, end, label))
    return out


def generate(out: Path, members: int, seed: int, chars_each: int = 1200, source: Path = DEFAULT_SOURCE) -> dict:
    """Write ``out/corpus/`` (with ``templates/``) and ``out/truth.json``; returns the truth."""
    if out.resolve().is_relative_to(ROOT):
        raise ValueError(f"{out}: write generated corpora outside the repository; they hold text of corpus-real")
    if members < 6:
        raise ValueError(f"a labelled corpus needs at least 6 members, got {members}")
    rng = random.Random(seed)
    sentences = sentence_pool(source, rng)
    mean = sum(len(content(s)) for s in sentences) / len(sentences)
    available = len(sentences) - 4 * 12 - 3 * max(1, members // 40)  # less the template and the groups
    # A sentence for the preamble and at least one a section; the pool is shared out evenly, up to chars_each.
    sentences_each = min(round(chars_each / mean), available // members)
    if sentences_each < 1 + len(HEADINGS):
        raise ValueError(f"{members} members are more than the pool of {len(sentences)} sentences can fill")
    pool = Pool(sentences)
    template = _template(pool, rng)
    people = _members(members, pool, sentences_each, rng)
    _plant_templates(people, template, rng)
    cases = _plant_reuse(people, pool, count=max(10, members * 2 // 5), groups=max(1, members // 40), rng=rng)

    corpus = out / "corpus"
    (corpus / "templates").mkdir(parents=True, exist_ok=True)
    template_text = "".join(
        f"{heading}\n" + "".join("　　" + "".join(p) + "\n" for p in template[3 * i : 3 * i + 3])
        for i, heading in enumerate(TEMPLATE_HEADINGS)
    )
    _write(corpus / "templates" / "参考模板.txt", template_text)
    documents, keyed = {}, {}
    for member in people:
        rendered = render(member, rng)
        doc = f"{member.name}.txt"
        _write(corpus / doc, rendered.text)
        documents[doc] = {"member": member.name, "spans": rendered.spans, "sections": rendered.sections}
        keyed[member.name] = rendered.keyed
    truth = {
        "schema": TRUTH_SCHEMA,
        "seed": seed,
        "members": members,
        "sentences_each": sentences_each,
        "template": "templates/参考模板.txt",
        "documents": documents,
        "cases": [_case_spans(case, keyed) for case in cases],
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _case_spans(case: Case, keyed: dict[str, dict[tuple, tuple[int, int]]]) -> dict:
    return {
        "level": case.level,
        "a": [f"{case.a}.txt", *keyed[case.a][case.a_key]],
        "b": [f"{case.b}.txt", *keyed[case.b][case.b_key]],
    }


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write corpus/ and truth.json into")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chars", type=int, default=1200, help="original characters per member, at most")
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)))
    args = parser.parse_args()
    truth = generate(args.out, args.members, args.seed, args.chars, args.source)
    print(
        f"{args.out}: {truth['members']} members, {len(truth['cases'])} cases, "
        f"{truth['sentences_each']} original sentences each"
    )


if __name__ == "__main__":
    main()
