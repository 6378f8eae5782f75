"""The run step of action.yml: `manikit lint` with the action's inputs, as a GitHub runner runs it.

Inputs arrive as environment variables (never interpolated into code):
  MANIKIT_PATHS        files, directories or globs, separated by spaces or newlines (default ".")
  MANIKIT_CONFIG       configuration file (default: found upward)
  MANIKIT_FAIL_ON      info | warning | error (default error)
  MANIKIT_FORMAT       github (annotations, default) | text | json | sarif | junit: the step's log
  MANIKIT_SARIF_FILE   where to write SARIF (its directory is created; empty: none)
  MANIKIT_ONLY_CHANGED "true": annotations only on lines this push or pull request changed
  MANIKIT_DIFF_BASE    the commit to diff against for only-changed (default: the PR base or the push's
                       `before`, from GITHUB_BASE_REF / GITHUB_EVENT_PATH)
  MANIKIT              the command (default "manikit")
SARIF is always written, also when manikit could not lint (exit 2 or 3): then with a tool execution
notification that says why, so that an `if: always()` upload step has a valid file. The job summary
has counts per level and rule and the first findings as a table. Outputs: exit-code, sarif-file,
findings. Exits with manikit's exit code. Standard library only: it runs before anything else is set up.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SUMMARY_ROWS = 20
_GLOB_CHARS = re.compile(r"[*?\[]")


def main() -> int:
    paths, missing_globs = expand(os.environ.get("MANIKIT_PATHS", ""))
    for pattern in missing_globs:
        print(f"::warning title=manikit::paths: {pattern} matches no file")
    fail_on = os.environ.get("MANIKIT_FAIL_ON") or "error"
    fmt = os.environ.get("MANIKIT_FORMAT") or "github"
    sarif_file = os.environ.get("MANIKIT_SARIF_FILE", "manikit.sarif")  # action.yml's default; "" for none
    command = shlex.split(os.environ.get("MANIKIT") or "manikit")
    common = ["--fail-on", fail_on, "--allow-no-manifests"]
    if os.environ.get("MANIKIT_CONFIG"):
        common += ["--config", os.environ["MANIKIT_CONFIG"]]
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "report.json"
        args = [*command, "lint", *common, "-o", "json", "--output-file", str(report_file)]
        if sarif_file:
            args += ["--sarif-file", sarif_file]
        done = subprocess.run([*args, "--", *paths], capture_output=True, text=True)
        sys.stderr.write(done.stderr)
        report = _read_json(report_file) if done.returncode in (0, 1) else None
    code = done.returncode
    if sarif_file and (code not in (0, 1) or not Path(sarif_file).is_file()):
        write_empty_sarif(Path(sarif_file), code, done.stderr)  # nothing linted, or the run failed
    problems = report["problems"] if report else []
    if fmt == "github":
        changed = changed_lines() if os.environ.get("MANIKIT_ONLY_CHANGED") == "true" else None
        for problem in problems:
            if changed is None or on_changed_line(problem, changed):
                print(annotation(problem))
    elif report is not None:
        again = subprocess.run(
            [*command, "lint", *common, "-o", fmt, "--", *paths], capture_output=True, text=True
        )
        sys.stdout.write(again.stdout)
    write_outputs(code, sarif_file, len(problems))
    write_summary(paths, fail_on, code, problems, done.stderr)
    return code


def expand(raw: str) -> tuple[list[str], list[str]]:
    """Paths separated by spaces or newlines; globs (``**`` too) expanded, sorted; unmatched globs listed."""
    paths: list[str] = []
    unmatched: list[str] = []
    for token in raw.split() or ["."]:
        if _GLOB_CHARS.search(token):
            matches = sorted(glob.glob(token, recursive=True))
            paths.extend(matches)
            if not matches:
                unmatched.append(token)
        else:
            paths.append(token)
    if not paths:
        paths = unmatched  # nothing matched at all: manikit says "no such file", and the step fails
    return list(dict.fromkeys(paths)), unmatched


def annotation(problem: dict[str, Any]) -> str:
    level = {"error": "error", "warning": "warning"}.get(problem["level"], "notice")
    where = f"file={problem['file']}"
    if problem.get("line"):
        where += f",line={problem['line']}"
    if problem.get("column"):
        where += f",col={problem['column']}"
    subject = f"{problem['path']}: " if problem.get("path") else ""
    text = subject + problem["message"] + (f" ({problem['hint']})" if problem.get("hint") else "")
    return f"::{level} {where},title={problem['code']} {problem['name']}::{_escape(text)}"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def changed_lines() -> dict[str, set[int]] | None:
    """File -> lines added or changed against the base; None when there is no base to compare with."""
    base = os.environ.get("MANIKIT_DIFF_BASE") or _event_base()
    if not base:
        print("::notice title=manikit::only-changed: no base commit found; annotating every finding")
        return None
    diff = subprocess.run(["git", "diff", "--unified=0", f"{base}...HEAD"], capture_output=True, text=True)
    if diff.returncode != 0:
        diff = subprocess.run(["git", "diff", "--unified=0", base, "HEAD"], capture_output=True, text=True)
    if diff.returncode != 0:
        print(
            f"::notice title=manikit::only-changed: git diff against {base} failed; annotating every finding"
        )
        return None
    return parse_diff(diff.stdout)


def _event_base() -> str:
    if os.environ.get("GITHUB_BASE_REF"):
        return f"origin/{os.environ['GITHUB_BASE_REF']}"
    event_path = os.environ.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        before = str(_read_json(Path(event_path)).get("before") or "")
        if before and set(before) != {"0"}:
            return before
    return ""


def parse_diff(text: str) -> dict[str, set[int]]:
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = changed.setdefault(name[2:], set()) if name.startswith("b/") else None
        elif line.startswith("@@") and current is not None:
            found = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
            if found:
                start, count = int(found.group(1)), int(found.group(2) or "1")
                current.update(range(start, start + count))
    return changed


def on_changed_line(problem: dict[str, Any], changed: dict[str, set[int]]) -> bool:
    lines = changed.get(os.path.normpath(problem["file"]))
    if lines is None:
        return False
    return not problem.get("line") or problem["line"] in lines


def write_empty_sarif(path: Path, code: int, stderr: str) -> None:
    """A valid SARIF log with no results; when the run failed, with a notification of why."""
    invocation: dict[str, Any] = {"executionSuccessful": code in (0, 1), "exitCode": code}
    if code not in (0, 1):
        message = stderr.strip() or f"manikit exited with code {code}"
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": message}}]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "manikit", "informationUri": "https://github.com/manikit/manikit"}
                },
                "invocations": [invocation],
                "results": [],
            }
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")


def write_outputs(code: int, sarif_file: str, findings: int) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    written = sarif_file if sarif_file and Path(sarif_file).is_file() else ""
    with open(target, "a", encoding="utf-8") as out:
        out.write(f"exit-code={code}\nsarif-file={written}\nfindings={findings}\n")


def write_summary(
    paths: list[str], fail_on: str, code: int, problems: list[dict[str, Any]], stderr: str
) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(summary_markdown(paths, fail_on, code, problems, stderr))


def summary_markdown(
    paths: list[str], fail_on: str, code: int, problems: list[dict[str, Any]], stderr: str
) -> str:
    verdicts = {
        0: f"passed: no findings at or above {fail_on}",
        1: f"failed: findings at or above {fail_on}",
    }
    verdict = verdicts.get(code, f"could not lint (exit {code})")
    lines = [f"## manikit lint: {verdict}", "", f"Paths: {' '.join(f'`{p}`' for p in paths)}", ""]
    if code not in (0, 1):
        lines += ["```", stderr.strip()[-3000:], "```", ""]
        return "\n".join(lines) + "\n"
    levels = Counter(p["level"] for p in problems)
    lines += ["| level | findings |", "| --- | ---: |"]
    lines += [f"| {level} | {levels.get(level, 0)} |" for level in ("error", "warning", "info")]
    if problems:
        rules = Counter(f"{p['code']} {p['name']}" for p in problems)
        lines += ["", "| rule | findings |", "| --- | ---: |"]
        lines += [f"| {rule} | {n} |" for rule, n in sorted(rules.items(), key=lambda r: (-r[1], r[0]))]
        lines += ["", "| where | level | rule | message |", "| --- | --- | --- | --- |"]
        for p in problems[:SUMMARY_ROWS]:
            where = f"{p['file']}:{p['line']}" if p.get("line") else p["file"]
            message = p["message"].replace("|", "\\|")
            lines.append(f"| `{where}` | {p['level']} | {p['code']} {p['name']} | {message} |")
        if len(problems) > SUMMARY_ROWS:
            lines.append(
                f"\n... and {len(problems) - SUMMARY_ROWS} more findings "
                "(see the annotations or the SARIF file)"
            )
    return "\n".join(lines) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


if __name__ == "__main__":
    sys.exit(main())
