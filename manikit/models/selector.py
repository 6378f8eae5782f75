"""Label selectors (matchLabels and matchExpressions) and how they match a set of labels."""

from typing import Literal

from pydantic import model_validator

from manikit.models.base import K8sModel

SelectorOperator = Literal["In", "NotIn", "Exists", "DoesNotExist"]


class LabelSelectorRequirement(K8sModel):
    key: str
    operator: SelectorOperator
    values: list[str] | None = None

    @model_validator(mode="after")
    def _values_fit_operator(self) -> "LabelSelectorRequirement":
        if self.operator in ("In", "NotIn") and not self.values:
            raise ValueError(f"values: must be specified when `operator` is '{self.operator}'")
        if self.operator in ("Exists", "DoesNotExist") and self.values:
            raise ValueError(f"values: may not be specified when `operator` is '{self.operator}'")
        return self

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        inside = present and labels[self.key] in (self.values or [])
        return inside if self.operator == "In" else not inside


class LabelSelector(K8sModel):
    match_labels: dict[str, str] | None = None
    match_expressions: list[LabelSelectorRequirement] | None = None

    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions

    def matches(self, labels: dict[str, str]) -> bool:
        """Kubernetes semantics: every label and every expression must hold; empty matches all."""
        for key, value in (self.match_labels or {}).items():
            if labels.get(key) != value:
                return False
        return all(req.matches(labels) for req in self.match_expressions or [])


def selector_matches(selector: dict[str, str] | None, labels: dict[str, str]) -> bool:
    """A Service-style selector (a plain map). An empty or absent one selects nothing here."""
    if not selector:
        return False
    return all(labels.get(k) == v for k, v in selector.items())


def parse_selector(text: str) -> LabelSelector:
    """Parse kubectl's ``-l`` syntax: ``a=b,c!=d,e in (x,y),f notin (z),g,!h``."""
    labels: dict[str, str] = {}
    expressions: list[LabelSelectorRequirement] = []
    for part in _split_selector(text):
        part = part.strip()
        if not part:
            continue
        lowered = part.replace(" ", "")
        if " notin " in f" {part} " or "notin(" in lowered:
            key, _, rest = part.partition("notin")
            expressions.append(_set_requirement(key, "NotIn", rest))
        elif " in " in f" {part} " or "in(" in lowered:
            key, _, rest = part.partition(" in ") if " in " in part else part.partition("in")
            expressions.append(_set_requirement(key, "In", rest))
        elif "!=" in part:
            key, _, value = part.partition("!=")
            expressions.append(
                LabelSelectorRequirement(key=key.strip(), operator="NotIn", values=[value.strip()])
            )
        elif "==" in part or "=" in part:
            key, _, value = part.partition("==") if "==" in part else part.partition("=")
            labels[key.strip()] = value.strip()
        elif part.startswith("!"):
            expressions.append(LabelSelectorRequirement(key=part[1:].strip(), operator="DoesNotExist"))
        else:
            expressions.append(LabelSelectorRequirement(key=part, operator="Exists"))
    return LabelSelector(match_labels=labels or None, match_expressions=expressions or None)


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _set_requirement(key: str, operator: SelectorOperator, rest: str) -> LabelSelectorRequirement:
    values = [v.strip() for v in rest.strip().strip("()").split(",") if v.strip()]
    return LabelSelectorRequirement(key=key.strip(), operator=operator, values=values)
