"""The HTML report's parts are package data (src/dupcheck/html/): readable through importlib.resources, shipped
by pyproject's package-data, and inlined into the page as they are."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

from dupcheck.html_report import ASSETS, LANGUAGES, STRINGS, render_html
from dupcheck.report import Report

ROOT = Path(__file__).resolve().parents[1]


def asset(name: str) -> str:
    return (resources.files("dupcheck") / "html" / name).read_text(encoding="utf-8")


def empty_report() -> Report:
    return Report(documents=[], matches=[], pairs=[], groups=[], errors=[], settings={})


def test_every_asset_is_readable_through_importlib_resources() -> None:
    folder = resources.files("dupcheck") / "html"
    assert sorted(entry.name for entry in folder.iterdir() if entry.is_file()) == sorted(ASSETS)
    for name in ASSETS:
        assert asset(name).endswith("\n"), name


def test_package_data_ships_every_asset() -> None:
    """What pyproject's package-data globs match, below the ``dupcheck`` package, covers each asset (a wheel
    and an sdist built from it hold them: checked by hand with ``pip wheel``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["dupcheck"]
    for name in ASSETS:
        assert any(fnmatch.fnmatch(f"html/{name}", pattern) for pattern in globs), name


def test_the_page_inlines_the_assets_unchanged() -> None:
    page = render_html(empty_report(), lang="en")
    assert f"<style>\n\n{asset('report.css')}\n</style>" in page
    assert f"<script>\n\n{asset('report.js')}\n</script>" in page
    skeleton = asset("page.html")
    assert sorted(set(re.findall(r"__([A-Z]+)__", skeleton))) == [
        "CHECK",
        "CHUNKS",
        "CSP",
        "CSS",
        "DATA",
        "LANG",
        "NOSCRIPT",
        "SCRIPT",
        "TITLE",
    ]
    assert page.startswith(skeleton[: skeleton.index("__LANG__")])
    assert page.endswith(skeleton[skeleton.rindex("__SCRIPT__") + len("__SCRIPT__") :])


def test_strings_are_the_json_asset_with_the_same_keys_in_every_language() -> None:
    assert json.loads(asset("strings.json")) == STRINGS
    assert LANGUAGES == ("zh", "en")

    def keys(value: object, prefix: str = "") -> set[str]:
        if not isinstance(value, dict):
            assert isinstance(value, str) and value, prefix
            return {prefix}
        return set().union(*(keys(v, f"{prefix}.{k}") for k, v in value.items()))

    assert keys(STRINGS["zh"]) == keys(STRINGS["en"])
