"""How much members of a corpus share by nature: pairs sharing a 13-character passage, users per shared 13-gram.

    python benchmarks/corpus_stats.py /tmp/rs-1000            # a generated corpus, side by side with corpus-real
    python benchmarks/corpus_stats.py ../shared/corpus-real --real

Characters are letters and digits (``str.isalnum``) after whitespace and punctuation are removed; a 13-gram is 13
such characters in a row, hashed to 64 bits (code points, polynomial hash, then a 64-bit mixer). Per member its
distinct 13-grams (the union over the member's files). Measured:

* **pairs sharing a 13-gram**: the share of member pairs that hold a common 13-gram, three ways: any 13-gram;
  13-grams held by fewer than 30 % of the members (dupcheck's default boilerplate share) and not in a template
  ("reuse-like"); 13-grams held by fewer than 5 % of the members and not in a template ("rare");
* **pairs sharing a passage of 20 / 30 characters**: as "reuse-like", with 20- and 30-grams: set phrases are
  mostly shorter, so these say how often members share a whole clause or sentence by nature; and **30
  characters with no common phrase inside** (none of its 13-grams held by 30 % of the members or in a
  template): a sentence two members share beyond what everyone writes;
* **users of a shared 13-gram**: over the 13-grams held by 2 members or more, how many members hold each (median,
  95th percentile), for the whole corpus and as the mean over random subsets of as many members as the
  reference corpus has (113 for corpus-real), so corpora of different sizes compare like for like;
* the median report length (non-whitespace characters of a file, as SOURCES.tsv counts them).

Exact up to ``--exact`` members (3,000). Above that the pair shares come from a random subset of that many members
(its pairs are a uniform sample of all pairs; the thresholds are shares of the subset), and the whole-corpus users
from the 13-grams whose hash falls in a 1-in-S sample (S so that about 3,000 members' worth are kept): a
sampled 13-gram keeps its exact user count, so the distribution is unbiased. The output says which.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus-real"
GRAM = 13
# Longer shared passages, as k-grams of these lengths: a pair shares a passage of k characters exactly when it
# shares a k-gram. How often members share a whole sentence by nature, not only a set phrase.
LONG = (20, 30)
# A passage of this many characters none of whose 13-grams 30 % of the members or a template use: a whole sentence
# two members share beyond the set phrases everyone writes, which by nature is rare.
RARE_RUN = 30
REUSE_SHARE = 0.30  # dupcheck's default --boilerplate-share
RARE_SHARE = 0.05
REAL_TEMPLATES = ("052", "053")  # the notice and the official template of corpus-real
_NAME_END = re.compile(r"[-_—－–\s]")  # dupcheck.corpus.member_from_name's separators
_MULT = np.uint64(0x100000001B3)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def content(text: str) -> str:
    """Letters and digits only: whitespace and punctuation removed."""
    return "".join(ch for ch in text if ch.isalnum())


def gram_hashes(text: str, k: int = GRAM) -> np.ndarray:
    """Distinct 64-bit hashes of the k-grams of ``content(text)``, sorted."""
    return np.unique(gram_sequence(text, k))


def gram_sequence(text: str, k: int = GRAM) -> np.ndarray:
    """The 64-bit hash of every k-gram of ``content(text)``, in text order."""
    c = content(text)
    n = len(c) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(c.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * _MULT + points[j : j + n]
    h ^= h >> np.uint64(30)  # splitmix64 finaliser: hash bits uniform, for 1-in-S sampling
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def rare_run_grams(texts: Iterable[str], excluded: np.ndarray, length: int, k: int = GRAM) -> np.ndarray:
    """The distinct ``length``-grams of a member's texts made only of k-grams not in ``excluded`` (sorted): a pair
    shares one exactly when it shares a passage of ``length`` characters with no common phrase inside it."""
    out = []
    for text in texts:
        grams = gram_sequence(text, k)
        long = gram_sequence(text, length)
        if not len(long):
            continue
        bad = np.concatenate([[0], np.cumsum(np.isin(grams, excluded))])
        span = length - k + 1  # k-grams inside one length-gram
        clean = bad[span : span + len(long)] - bad[: len(long)] == 0
        out.append(long[clean])
    return np.unique(np.concatenate(out)) if out else np.empty(0, dtype=np.uint64)


def member_grams(texts: Iterable[str], k: int = GRAM) -> np.ndarray:
    """The distinct k-gram hashes of one member: the union over the member's texts."""
    arrays = [gram_hashes(t, k) for t in texts]
    return np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.uint64)


# ---------------------------------------------------------------------------------------------------------
# The two statistics, on per-member distinct gram arrays.


def user_counts(grams: Sequence[np.ndarray]) -> np.ndarray:
    """For every k-gram held by 2 members or more, how many members hold it (order unspecified)."""
    if not grams:
        return np.empty(0, dtype=np.int64)
    _, counts = np.unique(np.concatenate(grams), return_counts=True)
    return counts[counts >= 2]


def sharing_pairs(grams: Sequence[np.ndarray], max_users: int | None = None, exclude: np.ndarray | None = None) -> int:
    """How many member pairs hold a common k-gram, counting only k-grams held by fewer than ``max_users``
    members (all when None) and not in ``exclude`` (sorted hashes)."""
    n = len(grams)
    if n < 2:
        return 0
    flat = np.concatenate(grams)
    owner = np.repeat(np.arange(n, dtype=np.int64), [len(g) for g in grams])
    if exclude is not None and len(exclude):
        keep = ~np.isin(flat, exclude)
        flat, owner = flat[keep], owner[keep]
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    sizes = np.diff(np.r_[starts, len(flat)])
    ok = sizes >= 2
    if max_users is not None:
        ok &= sizes < max_users
    # One representative gram per distinct set of users: a set's hash is the sum of random words of its members.
    words = np.random.default_rng(0).integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
    set_hash = np.add.reduceat(words[owner], starts) if len(starts) else np.empty(0, dtype=np.uint64)
    chosen = np.flatnonzero(ok)
    _, first = np.unique(set_hash[chosen], return_index=True)
    chosen = chosen[first]
    width = (n + 63) // 64
    bits = np.zeros((n, width), dtype=np.uint64)
    one = np.uint64(1)
    for g in chosen:
        users = owner[starts[g] : starts[g] + sizes[g]]
        mask = np.zeros(width, dtype=np.uint64)
        np.bitwise_or.at(mask, users >> 6, one << (users & 63).astype(np.uint64))
        bits[users] |= mask
    linked = int(np.bitwise_count(bits).sum())
    members_linked = np.zeros(n, dtype=bool)  # a member's own bit is set once it shares anything
    for g in chosen:
        members_linked[owner[starts[g] : starts[g] + sizes[g]]] = True
    return (linked - int(members_linked.sum())) // 2


@dataclass
class Stats:
    name: str
    members: int
    documents: int
    length_median: float
    pairs_any: float  # shares of member pairs
    pairs_reuse: float
    pairs_rare: float
    pairs_long: dict[int, float]  # passage length -> share of member pairs sharing one (<30 %, no template)
    pairs_rare_run: float  # share of member pairs sharing RARE_RUN characters with no 13-gram of >= 30 % inside
    users_median: float
    users_p95: float
    matched_size: int  # members of the subsets the next two are measured on
    matched_median: float
    matched_p95: float
    note: str


def measure(
    name: str,
    members: dict[str, list[Path]],
    templates: Sequence[Path] = (),
    *,
    exact: int = 3000,
    matched_size: int = 113,
    matched_draws: int = 20,
    seed: int = 0,
) -> Stats:
    """The statistics of one corpus: ``members`` maps a member to its files, ``templates`` are model texts."""
    rng = np.random.default_rng(seed)
    names = sorted(members)
    n = len(names)
    subset = set(range(n)) if n <= exact else set(rng.choice(n, size=exact, replace=False).tolist())
    rate = max(1, math.ceil(n / exact))  # keep 1 gram hash in `rate` for the whole-corpus users
    threshold = np.uint64(2**64 // rate - 1) if rate > 1 else None
    kept, sampled, lengths = [], [], []
    kept_long: dict[int, list[np.ndarray]] = {k: [] for k in LONG}
    kept_texts: list[list[str]] = []
    for i, member in enumerate(names):
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in members[member]]
        lengths += [sum(not ch.isspace() for ch in t) for t in texts]
        g = member_grams(texts)
        if i in subset:
            kept.append(g)
            kept_texts.append(texts)
            for k in LONG:
                kept_long[k].append(member_grams(texts, k))
        sampled.append(g if threshold is None else g[g <= threshold])
    template_texts = [p.read_text(encoding="utf-8", errors="replace") for p in templates]
    template = member_grams(template_texts)
    m = len(kept)
    pairs = m * (m - 1) / 2 or 1
    common_at = max(2, math.ceil(REUSE_SHARE * m))
    all_kept, kept_users = np.unique(np.concatenate(kept), return_counts=True) if kept else (template, None)
    excluded = np.union1d(all_kept[kept_users >= common_at], template) if kept_users is not None else template
    rare_runs = [rare_run_grams(texts, excluded, RARE_RUN) for texts in kept_texts]
    del kept_texts
    users = user_counts(sampled)
    del sampled
    draws = []
    size = min(matched_size, m)
    for _ in range(matched_draws if size < m else 1):
        pick = rng.choice(m, size=size, replace=False) if size < m else np.arange(m)
        u = user_counts([kept[j] for j in pick])
        draws.append((np.median(u) if len(u) else 0, np.percentile(u, 95) if len(u) else 0))
    note = "exact" if n <= exact else f"pairs from {m:,} random members; users from 1 in {rate} 13-grams"
    return Stats(
        name=name,
        members=n,
        documents=len(lengths),
        length_median=float(np.median(lengths)) if lengths else 0.0,
        pairs_any=sharing_pairs(kept) / pairs,
        pairs_reuse=sharing_pairs(kept, max(2, math.ceil(REUSE_SHARE * m)), template) / pairs,
        pairs_rare=sharing_pairs(kept, max(2, math.ceil(RARE_SHARE * m)), template) / pairs,
        pairs_long={
            k: sharing_pairs(kept_long[k], max(2, math.ceil(REUSE_SHARE * m)), member_grams(template_texts, k)) / pairs
            for k in LONG
        },
        pairs_rare_run=sharing_pairs(rare_runs, common_at) / pairs,
        users_median=float(np.median(users)) if len(users) else 0.0,
        users_p95=float(np.percentile(users, 95)) if len(users) else 0.0,
        matched_size=size,
        matched_median=float(np.mean([d[0] for d in draws])),
        matched_p95=float(np.mean([d[1] for d in draws])),
        note=note,
    )


# ---------------------------------------------------------------------------------------------------------
# Corpora on disk.


def member_from_name(file_name: str) -> str:
    """dupcheck's rule: a file's stem up to the first separator."""
    stem = Path(file_name).stem.strip()
    return _NAME_END.split(stem, maxsplit=1)[0] or stem


def real_author(file_name: str) -> str:
    """corpus-real's member of a file: the person id, or the branch committee (as tests/test_real_corpus.py)."""
    parts = file_name.removesuffix(".txt").split("_")
    person = [p for p in parts if re.fullmatch(r"p\d{3}", p)]
    if person:
        return person[0]
    return f"{parts[1]}支部" if "zhibu" in parts else parts[0]


def real_members(source: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """corpus-real's members (person ids / committees) and its templates (the notice 052 and template 053)."""
    members: dict[str, list[Path]] = {}
    templates = []
    for path in sorted((source / "docs").glob("*.txt")):
        if path.name[:3] in REAL_TEMPLATES:
            templates.append(path)
        else:
            members.setdefault(real_author(path.name), []).append(path)
    if not members:
        raise SystemExit(f"{source}: no docs/*.txt (corpus-real, see its README; or set DUPCHECK_REAL_CORPUS)")
    return members, templates


def folder_members(folder: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """A generated corpus: ``folder`` is OUT (with corpus/ and templates/) or the corpus itself; members by
    dupcheck's name rule within a unit folder; templates from OUT/templates or corpus/templates."""
    corpus = folder / "corpus" if (folder / "corpus").is_dir() else folder
    templates = sorted((folder / "templates").rglob("*.txt")) + sorted((corpus / "templates").rglob("*.txt"))
    members: dict[str, list[Path]] = {}
    for path in sorted(corpus.rglob("*.txt")):
        rel = path.relative_to(corpus)
        if rel.parts[0] == "templates":
            continue
        members.setdefault("/".join((*rel.parts[:-1], member_from_name(path.name))), []).append(path)
    if not members:
        raise SystemExit(f"{folder}: no .txt reports")
    return members, templates


def table(rows: list[Stats]) -> str:
    from tabulate import tabulate

    def pct(x: float) -> str:
        return f"{100 * x:.1f} %"

    body = [
        [
            s.name,
            f"{s.members:,}",
            pct(s.pairs_any),
            pct(s.pairs_reuse),
            pct(s.pairs_rare),
            *(pct(s.pairs_long[k]) for k in LONG),
            pct(s.pairs_rare_run),
            f"{s.users_median:g} / {s.users_p95:g}",
            f"{s.matched_median:.1f} / {s.matched_p95:.1f}",
            f"{s.length_median:,.0f}",
            s.note,
        ]
        for s in rows
    ]
    headers = [
        "corpus",
        "members",
        "pairs: any 13-gram",
        "pairs: <30 %, no template",
        "pairs: <5 %, no template",
        *(f"pairs: {k}+ chars, <30 %" for k in LONG),
        f"pairs: {RARE_RUN}+ chars, no phrase ≥30 % inside",
        "users median / p95",
        f"users at {rows[-1].matched_size} members",
        "length median",
        "",
    ]
    return tabulate(body, headers=headers, tablefmt="github")


def comparison(ours: Stats, real: Stats) -> list[tuple[str, float, bool | None]]:
    """Generated against real: the ratio of each statistic and whether it is within a factor of two (None for the
    whole-corpus user counts, which grow with the corpus: a phrase 6 % of 113 members use is used by 3,000 of
    50,000, so only the counts at the reference size compare across sizes)."""
    rows = [
        ("pairs: any 13-gram", ours.pairs_any, real.pairs_any, True),
        ("pairs: <30 %, no template", ours.pairs_reuse, real.pairs_reuse, True),
        ("pairs: <5 %, no template", ours.pairs_rare, real.pairs_rare, True),
        *((f"pairs: {k}+ chars, <30 %", ours.pairs_long[k], real.pairs_long[k], True) for k in LONG),
        (f"pairs: {RARE_RUN}+ chars, no phrase ≥30 % inside", ours.pairs_rare_run, real.pairs_rare_run, True),
        (f"users median at {real.matched_size} members", ours.matched_median, real.matched_median, True),
        (f"users p95 at {real.matched_size} members", ours.matched_p95, real.matched_p95, True),
        ("length median", ours.length_median, real.length_median, True),
        ("users median, whole corpus (grows with size)", ours.users_median, real.users_median, False),
        ("users p95, whole corpus (grows with size)", ours.users_p95, real.users_p95, False),
    ]
    out = []
    for label, a, b, judged in rows:
        ratio = a / b if b else math.inf
        out.append((label, ratio, (0.5 <= ratio <= 2) if judged else None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a generated corpus (OUT or OUT/corpus), or corpus-real with --real")
    parser.add_argument("--real", action="store_true", help="CORPUS is corpus-real (members from its file names)")
    parser.add_argument(
        "--against",
        type=Path,
        default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)),
        help="corpus-real, to compare with (default ../shared/corpus-real or DUPCHECK_REAL_CORPUS)",
    )
    parser.add_argument("--no-compare", action="store_true", help="only CORPUS, not corpus-real beside it")
    parser.add_argument("--exact", type=int, default=3000, help="members up to which everything is exact")
    args = parser.parse_args()
    real = None
    if not args.no_compare and not args.real:
        members, templates = real_members(args.against)
        real = measure("corpus-real", members, templates, exact=args.exact)
    members, templates = real_members(args.corpus) if args.real else folder_members(args.corpus)
    size = real.members if real else 113
    ours = measure(args.corpus.name, members, templates, exact=args.exact, matched_size=size)
    rows = [ours] if real is None else [ours, real]
    print(table(rows))
    if real is not None:
        print()
        checks = comparison(ours, real)
        for label, ratio, ok in checks:
            verdict = "" if ok is None else "within ×2" if ok else "OUTSIDE ×2"
            print(f"- {label}: ratio {ratio:.2f} {verdict}".rstrip())
        if any(ok is False for *_, ok in checks):
            sys.exit(1)


if __name__ == "__main__":
    main()
