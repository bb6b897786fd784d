"""benchmarks/corpus_stats.py against a brute-force reference on small invented corpora."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from corpus_stats import (
    content,
    folder_members,
    gram_hashes,
    measure,
    member_from_name,
    member_grams,
    real_author,
    sharing_pairs,
    user_counts,
)

ALPHABET = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
PHRASES = ["春风又绿江南岸明月何时照我还", "两岸猿声啼不住轻舟已过万重山", "一二三四五六七八九十百千万亿"]


def brute_long(corpus, k, max_users, exclude):
    """Pairs sharing a k-gram that fewer than ``max_users`` members hold and that is not in ``exclude``."""
    sets = [set().union(*(grams_of(t, k) for t in texts)) for texts in corpus]
    users = {g: sum(g in s for s in sets) for g in set().union(*sets)}
    counted = {g for g, n in users.items() if 2 <= n < max_users and g not in exclude}
    return sum(1 for a, b in itertools.combinations(sets, 2) if a & b & counted)


def brute_rare_run(corpus, length, max_users, template13):
    """Pairs sharing a passage of ``length`` characters none of whose 13-grams ``max_users`` members or more hold
    or the template holds, itself held by fewer than ``max_users``."""
    sets13 = [set().union(*(grams_of(t) for t in texts)) for texts in corpus]
    users13 = {g: sum(g in s for s in sets13) for g in set().union(*sets13)}
    common = {g for g, n in users13.items() if n >= max_users} | template13

    def clean(texts):
        out = set()
        for t in texts:
            c = content(t)
            for i in range(len(c) - length + 1):
                piece = c[i : i + length]
                if not any(piece[j : j + 13] in common for j in range(length - 12)):
                    out.add(piece)
        return out

    sets = [clean(texts) for texts in corpus]
    users = {g: sum(g in s for s in sets) for g in set().union(*sets)}
    counted = {g for g, n in users.items() if 2 <= n < max_users}
    return sum(1 for a, b in itertools.combinations(sets, 2) if a & b & counted)


def grams_of(text: str, k: int = 13) -> set[str]:
    c = content(text)
    return {c[i : i + k] for i in range(len(c) - k + 1)}


def invented_corpus(members: int, seed: int, longest: int = 30) -> list[list[str]]:
    """Members of one or two texts: random characters, with phrases and pieces of others spliced in."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    for _ in range(members):
        texts = []
        for _ in range(rng.choice((1, 1, 2))):
            parts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))]
            if rng.random() < 0.4:
                parts.append(rng.choice(PHRASES) + "，")
            if out and rng.random() < 0.5:
                donor = "".join(rng.choice(out))
                at = rng.randrange(max(1, len(donor) - 20))
                parts.append(donor[at : at + rng.randint(10, longest)])
            parts.append("。 " + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))))
            texts.append("".join(parts))
        out.append(texts)
    return out


def brute(corpus: list[list[str]], max_users: int | None = None, exclude: set[str] = frozenset()):
    sets = [set().union(*(grams_of(t) for t in texts)) for texts in corpus]
    users: dict[str, int] = {}
    for s in sets:
        for g in s:
            users[g] = users.get(g, 0) + 1
    counted = {g for g, n in users.items() if n >= 2 and (max_users is None or n < max_users) and g not in exclude}
    pairs = sum(1 for a, b in itertools.combinations(sets, 2) if a & b & counted)
    return sorted(n for n in users.values() if n >= 2), pairs


def test_content_drops_whitespace_and_punctuation():
    assert content("一、学习 贯彻，A1。\n") == "一学习贯彻A1"


def test_gram_hashes_count_the_distinct_13_grams():
    text = "".join(random.Random(1).choice(ALPHABET[:3]) for _ in range(400)) + "，。" + PHRASES[0] * 2
    assert len(gram_hashes(text)) == len(grams_of(text))
    assert len(gram_hashes("短文本")) == 0
    assert np.all(np.diff(gram_hashes(text).astype(np.float64)) >= 0)


def test_member_grams_are_the_union_of_the_members_texts():
    a, b = PHRASES[0] + PHRASES[1], PHRASES[1] + PHRASES[2]
    assert len(member_grams([a, b])) == len(grams_of(a) | grams_of(b))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_users_and_pairs_match_brute_force(seed):
    corpus = invented_corpus(40, seed)
    grams = [member_grams(texts) for texts in corpus]
    users, pairs = brute(corpus)
    assert sorted(user_counts(grams).tolist()) == users
    assert sharing_pairs(grams) == pairs
    for limit in (3, 5, 12):
        assert sharing_pairs(grams, max_users=limit) == brute(corpus, max_users=limit)[1]


def test_excluded_grams_link_no_pair():
    corpus = [[PHRASES[0] + "甲乙丙"], [PHRASES[0] + "丁戊己"], ["庚辛" + PHRASES[1]], ["壬癸" + PHRASES[1]]]
    grams = [member_grams(t) for t in corpus]
    assert sharing_pairs(grams) == 2
    template = member_grams([PHRASES[0]])
    assert sharing_pairs(grams, exclude=template) == brute(corpus, exclude=grams_of(PHRASES[0]))[1] == 1


def test_a_passage_of_12_characters_links_nobody():
    shared = PHRASES[2][:12]
    assert sharing_pairs([member_grams(["甲" + shared]), member_grams(["乙" + shared])]) == 0
    assert sharing_pairs([member_grams(["甲" + PHRASES[2][:13]]), member_grams([PHRASES[2][:13] + "乙"])]) == 1


def test_measure_on_a_folder_matches_brute_force(tmp_path):
    corpus = invented_corpus(30, 4, longest=60)
    for m, texts in enumerate(corpus):
        unit = tmp_path / "corpus" / f"u{m % 3}"
        unit.mkdir(parents=True, exist_ok=True)
        for v, text in enumerate(texts):
            (unit / f"m{m:03d}-{v}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.txt").write_text(PHRASES[1], encoding="utf-8")
    members, templates = folder_members(tmp_path)
    assert len(members) == 30 and len(templates) == 1
    stats = measure("invented", members, templates, matched_size=10)
    users, pairs = brute(corpus)
    total = 30 * 29 / 2
    assert stats.pairs_any == pytest.approx(pairs / total)
    reuse = brute(corpus, max_users=9, exclude=grams_of(PHRASES[1]))[1]  # fewer than 30 % of 30 members
    assert stats.pairs_reuse == pytest.approx(reuse / total)
    assert stats.users_median == np.median(users) and stats.users_p95 == pytest.approx(np.percentile(users, 95))
    assert stats.note == "exact"
    assert 0 < stats.pairs_rare_run <= stats.pairs_long[30] < stats.pairs_long[20]
    for k in (20, 30):  # passages of k characters: k-grams held by fewer than 30 %, none of them in the template
        assert stats.pairs_long[k] == pytest.approx(brute_long(corpus, k, 9, grams_of(PHRASES[1], k)) / total)
    assert stats.pairs_rare_run == pytest.approx(brute_rare_run(corpus, 30, 9, grams_of(PHRASES[1])) / total)


def test_sampled_measure_says_so_and_stays_close(tmp_path):
    corpus = invented_corpus(60, 5)
    for m, texts in enumerate(corpus):
        (tmp_path / f"m{m:03d}.txt").write_text("".join(texts), encoding="utf-8")
    members, _ = folder_members(tmp_path)
    exact = measure("exact", members)
    sampled = measure("sampled", members, exact=40)
    assert "random members" in sampled.note and exact.note == "exact"
    assert abs(sampled.pairs_any - exact.pairs_any) < 0.15


def test_member_names():
    assert member_from_name("m000001-对照检查材料.txt") == "m000001"
    assert member_from_name("m000002.txt") == "m000002"
    assert real_author("041_bangongshi_p035_geren.txt") == "p035"
    assert real_author("104_bangongshi_p035_shuji_alt.txt") == "p035"
    assert real_author("126_bangongshi_zhibu_alt.txt") == "bangongshi支部"
    assert real_author("029_renli_shuzhi.txt") == "029"
