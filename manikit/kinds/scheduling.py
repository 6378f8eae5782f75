"""Where a pod may run, as the API server validates it (v1.31): tolerations, node and pod affinity,
topology spread constraints, the node selector."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import FieldError, FieldPath, duplicate, forbidden, invalid, not_supported, required
from manikit.kinds.meta import validate_label_selector, validate_labels
from manikit.models.pod import NodeSelectorRequirement, PodSpec, Toleration
from manikit.models.podextras import PodAffinityTerm, TopologySpreadConstraint, WeightedPodAffinityTerm


def validate_scheduling(spec: PodSpec, path: FieldPath) -> list[FieldError]:
    errors = validate_labels(spec.node_selector, path.child("nodeSelector"))
    errors += _tolerations(spec.tolerations or [], path.child("tolerations"))
    errors += _topology_spread(
        spec.topology_spread_constraints or [], path.child("topologySpreadConstraints")
    )
    affinity = spec.affinity
    if affinity is None:
        return errors
    at = path.child("affinity")
    node = affinity.node_affinity
    if node is not None:
        na = at.child("nodeAffinity")
        required_terms = node.required_during_scheduling_ignored_during_execution
        if required_terms is not None:
            rq = na.child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            if not required_terms.node_selector_terms:
                errors.append(required(rq, "must have at least one node selector term"))
            for i, term in enumerate(required_terms.node_selector_terms):
                for j, req in enumerate(term.match_expressions or []):
                    errors += _node_requirement(req, rq.index(i).child("matchExpressions").index(j))
        for i, pref in enumerate(node.preferred_during_scheduling_ignored_during_execution or []):
            pp = na.child("preferredDuringSchedulingIgnoredDuringExecution").index(i).child("preference")
            for j, req in enumerate(pref.preference.match_expressions or []):
                errors += _node_requirement(req, pp.child("matchExpressions").index(j))
    for field, value in (
        ("podAffinity", affinity.pod_affinity),
        ("podAntiAffinity", affinity.pod_anti_affinity),
    ):
        if value is None:
            continue
        pa = at.child(field)
        required_at = pa.child("requiredDuringSchedulingIgnoredDuringExecution")
        for i, pod_term in enumerate(value.required_during_scheduling_ignored_during_execution or []):
            errors += _pod_term(pod_term, required_at.index(i))
        for i, weighted in enumerate(value.preferred_during_scheduling_ignored_during_execution or []):
            errors += _weighted(
                weighted, pa.child("preferredDuringSchedulingIgnoredDuringExecution").index(i)
            )
    return errors


def _node_requirement(req: NodeSelectorRequirement, at: FieldPath) -> list[FieldError]:
    errors = [invalid(at.child("key"), req.key, m) for m in names.qualified_name(req.key)]
    values = req.values or []
    if req.operator in ("In", "NotIn") and not values:
        errors.append(required(at.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
    elif req.operator in ("Exists", "DoesNotExist") and values:
        detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        errors.append(forbidden(at.child("values"), detail))
    elif req.operator in ("Gt", "Lt"):
        if len(values) != 1:
            errors.append(
                required(at.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")
            )
        elif not values[0].lstrip("-").isdigit():
            errors.append(invalid(at.child("values").index(0), values[0], "must be an integer"))
    return errors


def _pod_term(term: PodAffinityTerm, at: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if term.label_selector is not None:
        errors += validate_label_selector(term.label_selector, at.child("labelSelector"))
    if term.namespace_selector is not None:
        errors += validate_label_selector(term.namespace_selector, at.child("namespaceSelector"))
    for i, ns in enumerate(term.namespaces or []):
        errors += [invalid(at.child("namespaces").index(i), ns, m) for m in names.dns1123_label(ns)]
    if not term.topology_key:
        errors.append(required(at.child("topologyKey"), "can not be empty"))
    else:
        errors += [
            invalid(at.child("topologyKey"), term.topology_key, m)
            for m in names.qualified_name(term.topology_key)
        ]
    return errors


def _weighted(weighted: WeightedPodAffinityTerm, at: FieldPath) -> list[FieldError]:
    errors = _pod_term(weighted.pod_affinity_term, at.child("podAffinityTerm"))
    if not 1 <= weighted.weight <= 100:
        errors.append(invalid(at.child("weight"), weighted.weight, "must be in the range 1-100"))
    return errors


def _topology_spread(constraints: list[TopologySpreadConstraint], path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(constraints):
        at = path.index(i)
        if c.max_skew <= 0:
            errors.append(invalid(at.child("maxSkew"), c.max_skew, "must be greater than zero"))
        if not c.topology_key:
            errors.append(required(at.child("topologyKey"), "can not be empty"))
        if c.when_unsatisfiable not in ("DoNotSchedule", "ScheduleAnyway"):
            supported = ("DoNotSchedule", "ScheduleAnyway")
            errors.append(not_supported(at.child("whenUnsatisfiable"), c.when_unsatisfiable, supported))
        if c.min_domains is not None:
            if c.min_domains <= 0:
                errors.append(invalid(at.child("minDomains"), c.min_domains, "must be greater than 0"))
            elif c.when_unsatisfiable != "DoNotSchedule":
                detail = "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"
                errors.append(invalid(at.child("minDomains"), c.min_domains, detail))
        key = (c.topology_key, c.when_unsatisfiable)
        if key in seen:
            errors.append(duplicate(at, f"{{{c.topology_key}, {c.when_unsatisfiable}}}"))
        seen.add(key)
        if c.label_selector is not None:
            errors += validate_label_selector(c.label_selector, at.child("labelSelector"))
    return errors


def _tolerations(tolerations: list[Toleration], path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, t in enumerate(tolerations):
        at = path.index(i)
        if t.key:
            errors += [invalid(at.child("key"), t.key, m) for m in names.qualified_name(t.key)]
        elif t.operator != "Exists":
            detail = (
                'operator must be Exists when `key` is empty, which means "match all values and all keys"'
            )
            errors.append(invalid(at.child("operator"), t.operator or "", detail))
        if t.toleration_seconds is not None and t.effect != "NoExecute":
            detail = "effect must be 'NoExecute' when `tolerationSeconds` is set"
            errors.append(invalid(at.child("effect"), t.effect or "", detail))
        if t.operator == "Exists" and t.value:
            errors.append(
                invalid(at.child("operator"), t.value, "value must be empty when `operator` is 'Exists'")
            )
        elif t.operator in (None, "Equal") and t.value:
            errors += [invalid(at.child("value"), t.value, m) for m in names.label_value(t.value)]
    return errors
