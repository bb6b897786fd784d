"""The derived data's parts against plain Python: postings, k-gram counts, their changes, and a draft's population."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.arrays import repeated_counts
from dupcheck.index.derived import Postings, Users, classify_bands, draft_population, user_changes
from dupcheck.model import ScanSettings

# Few distinct values, so that keys collide and k-grams are shared; some differ only in their low 24 bits.
values = st.sampled_from([1, 2, 3, 5, 1 << 24, (1 << 24) + 1, 2**63 + 7, 2**64 - 1])
key_lists = st.lists(st.lists(values, max_size=6), max_size=5)


def array(items: list[int]) -> np.ndarray:
    return np.array(items, dtype=np.uint64)


def distinct_sorted(items: list[int]) -> np.ndarray:
    return array(sorted(set(items)))


@given(key_lists, key_lists, st.lists(values, max_size=6))
def test_postings_find_every_report_holding_a_key_and_only_near_misses_besides(
    first: list[list[int]], second: list[list[int]], query: list[int]
) -> None:
    parts = [
        Postings.of([array(k) for k in keys], np.arange(len(keys)) + 100 * n) for n, keys in enumerate((first, second))
    ]
    merged = Postings.merged(parts)
    holders = {100 * n + i for n, keys in enumerate((first, second)) for i, k in enumerate(keys) if set(k) & set(query)}
    near = {  # keys equal in their high 40 bits
        100 * n + i
        for n, keys in enumerate((first, second))
        for i, k in enumerate(keys)
        if {v >> 24 for v in k} & {v >> 24 for v in query}
    }
    for postings in (merged, Postings.merged([*parts[:1], Postings.of([], []), *parts[1:]])):
        found = set(postings.holding(array(query)).tolist())
        assert holders <= found <= near
    assert set(parts[0].holding(array(query)).tolist()) <= near


@given(st.dictionaries(st.text(max_size=2), st.lists(values, max_size=6), max_size=6))
def test_count_users_counts_members_using_a_kgram_two_or_more(used: dict[str, list[int]]) -> None:
    counts = Counter(v for kgrams in used.values() for v in set(kgrams))
    kgrams, users = repeated_counts(distinct_sorted(k) for k in used.values())
    assert dict(zip(kgrams.tolist(), users.tolist(), strict=True)) == {v: n for v, n in counts.items() if n >= 2}
    assert kgrams.tolist() == sorted(kgrams.tolist())


members_kgrams = st.dictionaries(st.sampled_from("abcdef"), st.lists(values, max_size=6), max_size=5)


@given(members_kgrams, st.lists(members_kgrams, min_size=1, max_size=4), st.lists(values, max_size=8))
def test_counts_with_changes_bound_the_true_count_within_one(
    base: dict[str, list[int]], later: list[dict[str, list[int]]], query: list[int]
) -> None:
    """Counts made once, then changed member by member, give the true number of users of a k-gram exactly if it
    was counted then, and within one if not."""
    kgrams, users = repeated_counts(distinct_sorted(k) for k in base.values())
    state = {m: distinct_sorted(k) for m, k in base.items()}
    changes = []
    for step in later:
        after = {**state, **{m: distinct_sorted(k) for m, k in step.items()}}
        changes.append(user_changes(state, after))
        state = after
    q = distinct_sorted(query)
    low, high = Users(kgrams, users, changes).bounds(q)
    for g, lo, hi in zip(q.tolist(), low.tolist(), high.tolist(), strict=True):
        true = sum(g in set(k.tolist()) for k in state.values())
        assert lo <= true <= hi and hi - lo <= 1
        if g in set(kgrams.tolist()):
            assert lo == hi == true


@given(
    st.integers(2, 12),
    st.lists(st.integers(0, 20), min_size=1, max_size=6),
    st.floats(0.05, 1.0),
    st.integers(2, 6),
)
@settings(max_examples=200)
def test_draft_population_is_exact_or_says_it_cannot_be(
    n_members: int, true_users: list[int], share: float, floor: int
) -> None:
    """Whatever the true counts (each known exactly or within one), the population marks a k-gram of the draft as
    boilerplate exactly when the draft's author and its other users make the threshold, or gives none."""
    scan_settings = ScanSettings(boilerplate_share=share, boilerplate_min_members=floor)
    members = [f"m{i}" for i in range(n_members)]
    kgrams = np.arange(1, len(true_users) + 1, dtype=np.uint64)
    users = np.array([min(u, n_members) for u in true_users], dtype=np.int64)
    counted = users >= 2  # as count_users leaves them
    own = kgrams[::2]  # the author uses every other one already: counted among the users
    users = np.maximum(users, np.isin(kgrams, own).astype(np.int64))
    population = draft_population(kgrams, members, Users(kgrams[counted], users[counted]), scan_settings, own=own)
    threshold = max(floor, int(np.ceil(share * n_members - 1e-9)))
    truly_common = {
        int(g) for g, u, mine in zip(kgrams, users, np.isin(kgrams, own), strict=True) if u - mine + 1 >= threshold
    }
    if population is not None:
        assert set(population.boilerplate_hashes(threshold).tolist()) == truly_common
    else:  # only a k-gram counted within one (0 or 1 other users) at a threshold of 2 is left undecided
        assert threshold == 2 and not counted[~np.isin(kgrams, own)].all()


@settings(max_examples=80, deadline=None)
@given(
    held=st.dictionaries(
        st.integers(0, 11),  # a band key
        st.lists(
            st.tuples(st.integers(0, 30), st.sampled_from("甲乙丙丁戊己庚辛壬癸子丑"), st.booleans()), max_size=14
        ),
        max_size=8,
    ),
    boilerplate=st.integers(2, 6),
    max_pair=st.integers(2, 5),
)
def test_band_buckets_are_classed_as_a_plain_count_of_their_members(held, boilerplate, max_pair) -> None:
    """``classify_bands``: a draft's band key is boilerplate when that many members of the round (its author
    included) hold it, widely shared when more than ``max_pair`` members of any round do; the reports to read
    hold one of the other keys. Against plain sets; a report left out of ``holder`` (a template) counts nowhere."""
    keys = sorted(held)
    bands = np.array([k << 40 for k in keys], dtype=np.uint64)  # keys that differ in the bits postings keep
    pairs = [(k << 40, report) for k in keys for report, _, _ in held[k]]
    holdings = (
        np.array([k for k, _ in pairs], dtype=np.uint64),
        np.array([r for _, r in pairs], dtype=np.int64),
    )
    holder = {report: (member, current) for k in keys for report, member, current in held[k] if report % 7}
    common, wide, read = classify_bands(bands, holdings, holder, "作者", boilerplate, max_pair)
    expect_common, expect_wide, expect_read = set(), set(), set()
    for k in keys:
        counted = [holder[r] for r, _, _ in held[k] if r in holder]
        users = {"作者"} | {m for m, current in counted if current}
        spread = {"作者"} | {m for m, _ in counted}
        if len(users) >= boilerplate:
            expect_common.add(k << 40)
        elif len(spread) > max_pair:
            expect_wide.add(k << 40)
        else:
            expect_read |= {r for r, _, _ in held[k]}
    assert set(common.tolist()) == expect_common and set(wide.tolist()) == expect_wide
    assert set(read.tolist()) == expect_read
