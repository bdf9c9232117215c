"""Mutation score of one core module: ``python tools/mutation.py money`` (or periods, proration).

Copies the tracked files of the repository into a temporary folder, points mutmut at
``src/subcommerce/<module>.py`` with only ``tests/test_<module>*.py`` selected (a mutation run
re-runs the tests of each mutated function; a narrow selection keeps it to minutes), runs it on
one core and prints ``killed/total``. Every mutant counts: one that survives, that no test
reaches, or that is suspicious is not killed; a timeout counts as killed (the mutant hung).
Needs the ``mutation`` extra: ``pip install -e ".[test,mutation]"``. Nothing is written to the
working tree. ``--keep`` leaves the folder for ``mutmut show`` / ``mutmut browse``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("money", "periods", "proration")


def _copy_tree(target: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _configure(target: Path, module: str) -> None:
    tests = sorted(
        str(p.relative_to(target)) for p in (target / "tests").glob(f"test_{module}*.py")
    )
    pyproject = target / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8")
        + "\n[tool.mutmut]\n"
        + 'source_paths = ["src"]\n'
        + f'only_mutate = ["src/subcommerce/{module}.py"]\n'
        + f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        + 'also_copy = ["tests", "conftest.py", "docs", "README.md"]\n',
        "utf-8",
    )


def score(module: str, keep: bool = False) -> tuple[int, int, dict[str, int]]:
    folder = Path(tempfile.mkdtemp(prefix=f"mutation-{module}-"))
    try:
        _copy_tree(folder)
        _configure(folder, module)
        mutmut = [sys.executable, "-m", "mutmut"]
        subprocess.run([*mutmut, "run", "--max-children", "1"], cwd=folder, check=False)
        subprocess.run([*mutmut, "export-cicd-stats"], cwd=folder, check=True)
        stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text("utf-8"))
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    killed = stats.get("killed", 0) + stats.get("timeout", 0)
    return killed, stats.get("total", 0), stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modules", nargs="*", choices=MODULES, default=list(MODULES))
    parser.add_argument("--keep", action="store_true", help="keep the folder of the run")
    args = parser.parse_args(argv)
    status = 0
    for module in args.modules:
        killed, total, stats = score(module, args.keep)
        if total == 0 or killed + stats.get("survived", 0) + stats.get("no_tests", 0) == 0:
            print(f"{module}.py: no mutant was run (the tests failed before?)  {stats}")
            status = 1
            continue
        percent = 100 * killed / total
        print(f"{module}.py: {killed}/{total} killed ({percent:.1f} %)  {stats}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
