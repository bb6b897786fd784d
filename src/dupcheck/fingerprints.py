"""Fingerprints of a normalised text, in two layers.

* **Winnowing** of token k-grams (Schleimer, Wilkerson & Aiken 2003): every run of ``k + w - 1`` shared
  tokens is guaranteed a shared fingerprint. It finds near-verbatim copies down to about 13 characters and
  gives the seeds for alignment.
* **MinHash** of token 5-gram shingles over overlapping passage windows, for paraphrased copies whose
  shared runs are too short for winnowing.

Everything is vectorised with numpy over the token code points. The MinHash is datasketch's own
``affine32`` scheme with datasketch's permutations, so a signature here is bit-identical to
``datasketch.MinHash(num_perm, seed, hashfunc=shingle_hash32).update_batch(...)`` (tests prove it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Polynomial rolling hash over code points, modulo 2^64 (numpy's uint64 arithmetic wraps).
_BASE = np.uint64(0x100000001B3)
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


@dataclass(frozen=True)
class FingerprintSettings:
    """Shingle sizes and sketch parameters; stored with any persisted fingerprints."""

    winnow_k: int = 8
    winnow_w: int = 6
    shingle_k: int = 5
    window: int = 200
    stride: int = 100
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 1
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        for name in ("winnow_k", "winnow_w", "shingle_k", "window", "stride", "num_perm", "bands", "rows"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.window % self.stride:
            raise ValueError(f"window ({self.window}) must be a multiple of stride ({self.stride})")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows = {self.bands * self.rows} must not exceed num_perm = {self.num_perm}")
        if self.scheme != "affine32":
            raise ValueError(f"only datasketch's 'affine32' scheme is implemented, got {self.scheme!r}")


def _fmix64(h: np.ndarray) -> np.ndarray:
    s, m1, m2 = _FMIX64
    h = h ^ (h >> s)
    h = h * m1
    h = h ^ (h >> s)
    h = h * m2
    return h ^ (h >> s)


def kgram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """64-bit hash of every run of ``k`` consecutive tokens; entry i covers tokens ``i .. i+k-1``."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    c = codes.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _BASE + c[j : j + n]
        return _fmix64(h)


def kgram_hashes_each(codes: Sequence[np.ndarray], k: int) -> list[np.ndarray]:
    """``kgram_hashes`` of each of several texts, hashed joined: a k-gram's hash depends on its own tokens only, and
    one pass of numpy's calls over a hundred texts of a check costs a fraction of one a text."""
    joined = kgram_hashes(np.concatenate([np.zeros(0, dtype=np.uint32), *codes]), k)
    out, at = [], 0
    for text in codes:
        out.append(joined[at : at + max(0, len(text) - k + 1)])
        at += len(text)
    return out


def shingle_hash32(shingle: str) -> int:
    """Reference (pure Python) 32-bit hash of one shingle, equal to ``shingle_hashes32`` entries.

    This is the ``hashfunc`` to give datasketch to reproduce our signatures.
    """
    mask = (1 << 64) - 1
    h = 0
    for ch in shingle:
        h = (h * int(_BASE) + ord(ch)) & mask
    s, m1, m2 = (int(x) for x in _FMIX64)
    h ^= h >> s
    h = (h * m1) & mask
    h ^= h >> s
    h = (h * m2) & mask
    h ^= h >> s
    return (h ^ (h >> 32)) & 0xFFFFFFFF


def shingle_hashes32(codes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hash of every token k-gram (the high and low halves of the 64-bit hash folded)."""
    h = kgram_hashes(codes, k)
    return ((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Positions chosen by robust winnowing: the rightmost minimum of every window of ``w`` hashes."""
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    if n <= w:
        return np.array([n - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int32)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    chosen = np.arange(len(windows)) + (w - 1 - np.argmin(windows[:, ::-1], axis=1))
    # The rightmost minimum never moves left as the window slides, so repeats are neighbours.
    return chosen[np.concatenate([[True], chosen[1:] != chosen[:-1]])].astype(np.int32)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``.

    Drawn exactly as datasketch 2's ``MinHash._init_permutations`` draws them (a test compares the two), so
    that a self-check need not import datasketch, which pulls in scipy and costs half a second.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s1)


def window_bounds(n_tokens: int, settings: FingerprintSettings) -> np.ndarray:
    """Token ranges ``(start, end)`` of the passage windows of a text of ``n_tokens`` tokens.

    Windows are ``window`` shingles long and start every ``stride`` shingles; a text shorter than one
    window gets a single window over all of it, and one with no whole shingle gets none.
    """
    k = settings.shingle_k
    n_shingles = n_tokens - k + 1
    if n_shingles <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    per_window = settings.window // settings.stride
    n_blocks = -(-n_shingles // settings.stride)
    n_windows = max(1, n_blocks - per_window + 1)
    starts = np.arange(n_windows, dtype=np.int64) * settings.stride
    ends = np.minimum(starts + settings.window, n_shingles) + k - 1
    return np.stack([starts, ends], axis=1)


def window_signatures(codes: np.ndarray, settings: FingerprintSettings) -> np.ndarray:
    """MinHash signature (uint32, ``num_perm`` values) of each passage window of ``window_bounds``."""
    hv = shingle_hashes32(codes, settings.shingle_k)
    if len(hv) == 0:
        return np.zeros((0, settings.num_perm), dtype=np.uint32)
    a, b = permutations(settings.num_perm, settings.seed)
    stride = settings.stride
    n_blocks = -(-len(hv) // stride)
    hashed = np.empty(n_blocks * stride, dtype=np.uint32)
    hashed[: len(hv)] = _fmix32(hv)
    hashed[len(hv) :] = hashed[len(hv) - 1]  # a hash repeated in the last block leaves its minimum as it is
    # The minimum of each block of ``stride`` shingles under each permutation, a few blocks at a time into one
    # buffer that stays in cache: (num_perm, shingles) products of a whole text would not, and take 2.5x longer.
    block_min = np.empty((settings.num_perm, n_blocks), dtype=np.uint32)
    per_chunk = 8
    buffer = np.empty((settings.num_perm, per_chunk * stride), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for first in range(0, n_blocks, per_chunk):
            part = hashed[first * stride : (first + per_chunk) * stride]
            products = buffer[:, : len(part)]
            np.multiply(a[:, None], part, out=products)
            products += b[:, None]
            blocks = len(part) // stride
            products.reshape(settings.num_perm, blocks, stride).min(axis=2, out=block_min[:, first : first + blocks])
    per_window = settings.window // stride
    n_windows = max(1, n_blocks - per_window + 1)
    sig = block_min[:, :n_windows].copy()
    for offset in range(1, min(per_window, n_blocks)):
        np.minimum(sig, block_min[:, offset : offset + n_windows], out=sig)
    return np.ascontiguousarray(sig.T)


def band_keys(signatures: np.ndarray, settings: FingerprintSettings) -> np.ndarray:
    """One uint64 per passage window and LSH band, window by window: equal for two windows whose signatures agree
    on every row of the band (band ``i`` is rows ``i*r .. i*r+r-1``, as datasketch's ``MinHashLSH`` bands them).
    Two keys can also be equal by chance, so equal keys make a candidate pair, not a match."""
    n, r = len(signatures), settings.rows
    rows = signatures[:, : settings.bands * r].astype(np.uint64).reshape(n, settings.bands, r)
    keys = np.broadcast_to(np.arange(settings.bands, dtype=np.uint64), (n, settings.bands)).copy()
    with np.errstate(over="ignore"):
        for j in range(r):
            keys = keys * _BASE + rows[:, :, j]
    return _fmix64(keys).ravel()


@dataclass(frozen=True)
class Fingerprints:
    """Both fingerprint layers of one text, in token coordinates."""

    n_tokens: int
    winnow_hashes: np.ndarray  # uint64 hash of a token k-gram (``winnow_k``; see ``kgram_hashes``) …
    winnow_positions: np.ndarray  # … and the int32 token index where it starts
    windows: np.ndarray  # int64 (n, 2): token range of each passage window
    signatures: np.ndarray  # uint32 (n, num_perm)


def fingerprint(codes: np.ndarray, settings: FingerprintSettings) -> Fingerprints:
    """Compute both layers for one normalised text (``Normalised.codes()``)."""
    hashes = kgram_hashes(codes, settings.winnow_k)
    positions = winnow(hashes, settings.winnow_w)
    return Fingerprints(
        n_tokens=len(codes),
        winnow_hashes=hashes[positions],
        winnow_positions=positions,
        windows=window_bounds(len(codes), settings),
        signatures=window_signatures(codes, settings),
    )
