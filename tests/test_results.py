"""The report's parts: passage cuts against a plain reference."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.labels import Label
from dupcheck.results import LabelCuts


@given(
    st.lists(st.sampled_from([int(label) for label in Label]), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(list(Label)),
)
def test_a_cut_runs_from_the_first_to_the_last_token_with_the_label(values, start, end, label):
    """The cut of ``start:end`` is its first to its last token with the label and how many have it, as a scan of
    the slice says; None where no token has it."""
    labels = np.array(values, dtype=np.int8)
    hits = [n for n in range(start, min(end, len(values))) if values[n] == label]
    expected = (hits[0], hits[-1] + 1, len(hits)) if hits else None
    cut = LabelCuts({7: labels})
    assert cut(7, label, start, end) == expected
    assert cut(7, label, start, end) == expected  # from the listed positions the second time
