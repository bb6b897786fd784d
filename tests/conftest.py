"""Shared test helpers: build small corpora of members' reports on disk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from dupcheck.index import base as index_base

WriteCorpus = Callable[..., Path]


def write_corpus(root: Path, files: Mapping[str, str | bytes], encoding: str = "utf-8") -> Path:
    """Write ``files`` (relative path -> text or bytes) below ``root`` and return ``root``.

    Nested paths create their folders; ``str`` content is encoded with ``encoding``, ``bytes`` are
    written as they are. ``root`` itself is created even when ``files`` is empty.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
    return root


@pytest.fixture(name="write_corpus")
def write_corpus_fixture() -> WriteCorpus:
    """The ``write_corpus(root, files, encoding="utf-8") -> root`` helper, as a fixture."""
    return write_corpus


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Record every file an index update hashes and every file it prepares (reads and fingerprints)."""
    calls: dict[str, list[str]] = {"hashed": [], "prepared": []}
    sha256_of, prepare_each = index_base.sha256_of, index_base.prepare_each

    def counted_sha(path: Path) -> str:
        calls["hashed"].append(path.name)
        return sha256_of(path)

    def counted_prepare_each(sources, settings, *options):  # type: ignore[no-untyped-def]
        calls["prepared"] += [source.id for source in sources]
        return prepare_each(sources, settings, *options)

    monkeypatch.setattr(index_base, "sha256_of", counted_sha)
    monkeypatch.setattr(index_base, "prepare_each", counted_prepare_each)
    return calls
