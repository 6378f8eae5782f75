"""JUnit XML: one test case per file, failed when it has findings (for CI test report views)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from manikit.diagnostics import Level, Problem
from manikit.lint.engine import LintReport


def render(report: LintReport, color: bool = False) -> str:
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in report.problems:
        by_file[p.file].append(p)
    names = list(dict.fromkeys([*("<stdin>" if f == "-" else f for f in report.files), *by_file]))
    failed = [f for f in names if any(p.level >= Level.WARNING for p in by_file[f])]
    suites = ET.Element("testsuites", name="manikit lint", tests=str(len(names)), failures=str(len(failed)))
    suite = ET.SubElement(
        suites, "testsuite", name="manikit lint", tests=str(len(names)), failures=str(len(failed)), errors="0"
    )
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="manikit.lint", name=name)
        problems = by_file[name]
        if name in failed:
            worst = max(p.level for p in problems)
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(problems)} findings, worst: {worst}",
                type=next(p.code for p in problems if p.level is worst),
            )
            failure.text = "\n".join(p.headline() for p in problems)
        elif problems:
            ET.SubElement(case, "system-out").text = "\n".join(p.headline() for p in problems)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
