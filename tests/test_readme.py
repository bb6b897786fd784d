"""The README's Python API example runs as it stands and prints what the README says it prints."""

import contextlib
import importlib.util
import io
import os
import re
from pathlib import Path

from dupcheck.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _section(name: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]


def test_the_python_api_example_prints_what_the_readme_shows(monkeypatch):
    section = _section("Python API")
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.S)[:2]
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    assert printed.getvalue() == shown
    assert os.path.getsize("/tmp/dupcheck-report.json") > 1000


def _options_script():
    """scripts/readme_options.py, loaded as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("readme_options", ROOT / "scripts" / "readme_options.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_option_tables_are_what_the_click_definitions_give() -> None:
    """The README's option tables are made from cli.py (python scripts/readme_options.py): they cannot drift."""
    script = _options_script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(script.BEGIN) == 1 and readme.count(script.END) == 1
    assert script.with_tables(readme) == readme, "run: python scripts/readme_options.py"
    for command in ("scan", "check", "index", "members", "text"):
        assert f"#### `dupcheck {command} " in readme, command


def test_a_changed_help_text_makes_the_tables_differ(monkeypatch) -> None:
    script = _options_script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (threshold,) = [p for p in cli.commands["scan"].params if p.name == "threshold"]
    monkeypatch.setattr(threshold, "help", "Something else.")
    assert "| `--threshold P` | `70` | Something else. |" in script.with_tables(readme) != readme
    monkeypatch.setattr(threshold, "default", "75")
    assert "| `--threshold P` | `75` |" in script.with_tables(readme)


def test_the_option_tables_script_checks_and_rewrites(tmp_path, monkeypatch) -> None:
    script = _options_script()
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{script.BEGIN}\nstale table\n{script.END}\n\nafter\n", encoding="utf-8")
    monkeypatch.setattr(script, "README", stale)
    assert script.main(["--check"]) == 1
    assert script.main([]) == 0 and script.main(["--check"]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("# x\n\n") and text.endswith(f"{script.END}\n\nafter\n") and "stale table" not in text


QUICK_START = re.compile(r"```bash\n(.*?)\n```", flags=re.S)


def test_the_quick_start_is_two_commands_that_make_a_virtual_environment_and_ci_runs_them() -> None:
    """On a system Python that refuses pip install (PEP 668), each command makes and enters a virtual environment
    first; CI (.ci/run) runs exactly these two commands, so they are what is known to work."""
    commands = QUICK_START.findall(_section("Quick start"))
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    install, tests = commands
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert install == f"{venv}pip install -e . && dupcheck scan corpus/"
    assert tests == f"{venv}pip install -e '.[test]' && python3 -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert f"{install} > /dev/null" in ci and tests in ci
