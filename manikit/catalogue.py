"""The catalogue of every MK code that is not a lint rule of its own: validation (MK0xx and the API
server's checks), templates (MK02x) and lint's own (MK900). Lint's registry adds its rules to these,
so `manikit rules explain` and SARIF know every code any command reports.

``server`` marks the errors the Kubernetes API server itself would return: they cannot be turned off
or suppressed, since the object would be refused anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from manikit.diagnostics import Level


@dataclass(frozen=True)
class CodeInfo:
    code: str
    name: str
    level: Level
    summary: str
    server: bool = False  # an error the API server returns: never switched off or suppressed
    doc: str = ""  # the full user doc (What it does / Why it matters / Example / Fix), when longer


CODES: tuple[CodeInfo, ...] = (
    CodeInfo("MK001", "invalid-value", Level.ERROR, "A field holds a value the API server refuses.", True),
    CodeInfo("MK002", "unknown-field", Level.ERROR, "A field Kubernetes does not know (a typo).", True),
    CodeInfo("MK003", "missing-field", Level.ERROR, "A required field is missing.", True),
    CodeInfo(
        "MK004", "yaml-syntax", Level.ERROR, "The file is not valid YAML (or is an unrendered template)."
    ),
    CodeInfo(
        "MK005",
        "duplicate-key",
        Level.ERROR,
        "A mapping has the same key twice; Kubernetes rejects it.",
        True,
    ),
    CodeInfo(
        "MK006",
        "missing-type",
        Level.ERROR,
        "A document without apiVersion and kind, or not a mapping.",
        True,
    ),
    CodeInfo(
        "MK007",
        "removed-api-version",
        Level.ERROR,
        "A Deployment or ReplicaSet on an API removed in 1.16.",
        True,
    ),
    CodeInfo("MK009", "unreadable-file", Level.ERROR, "A file that is binary, not UTF-8, or too large."),
    CodeInfo("MK010", "yaml-limits", Level.ERROR, "A document too deep or too large (alias bombs)."),
    CodeInfo(
        "MK011", "merge-key", Level.ERROR, "A YAML merge key (<<), which Kubernetes' decoder rejects.", True
    ),
    CodeInfo("MK012", "empty-file", Level.WARNING, "A file that holds no manifest."),
    CodeInfo(
        "MK013", "wrong-api-version", Level.ERROR, "A kind under an apiVersion that does not serve it.", True
    ),
    CodeInfo(
        "MK014",
        "partial-object",
        Level.INFO,
        "A kustomize patch: a partial object, checked as far as it goes.",
    ),
    CodeInfo(
        "MK015",
        "unknown-kind",
        Level.ERROR,
        "A kind a built-in apiVersion does not serve (`kind: deployment`), with a did-you-mean.",
        True,
    ),
    CodeInfo("MK020", "template-syntax", Level.ERROR, "A *.j2 template that jinja2 cannot parse."),
    CodeInfo(
        "MK021", "undefined-value", Level.ERROR, "A template uses a value no values file or --set defines."
    ),
    CodeInfo(
        "MK022", "template-refused", Level.ERROR, "A template reaches outside its sandbox (internals, files)."
    ),
    CodeInfo(
        "MK023", "template-error", Level.ERROR, "A template fails while rendering (required, include, ...)."
    ),
    CodeInfo(
        "MK900",
        "invalid-suppression",
        Level.ERROR,
        "A suppression that names an unknown rule or a server error.",
    ),
)

#: Codes of lint rule modules that are validation checks the API server makes (always on, never
#: suppressed); their docs stay in the rule modules.
SERVER_RULE_CODES = frozenset({"MK101", "MK102", "MK202", "MK203", "MK206"})


def _build(entries: tuple[CodeInfo, ...]) -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for entry in entries:
        if entry.code in table or any(e.name == entry.name for e in table.values()):
            raise ValueError(f"code {entry.code} {entry.name} is catalogued twice")
        table[entry.code] = entry
    return table


CATALOGUE: dict[str, CodeInfo] = _build(CODES)

#: Every code the API server would report as an error.
SERVER_CODES = frozenset({c.code for c in CODES if c.server} | SERVER_RULE_CODES)


def is_server_error(code: str) -> bool:
    return code in SERVER_CODES
