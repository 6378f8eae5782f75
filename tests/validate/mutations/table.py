"""One-field mutations of the base manifests, each labelled with what the Kubernetes v1.31 API server
does with it (from pkg/apis/core/validation, pkg/apis/apps/validation and apimachinery's validation
helpers): ``R`` rejects, ``A`` accepts. ``bullet`` names the issue's list item a mutation covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DELETE = object()
Path = tuple[str | int, ...]
Op = tuple[Path, Any]

T: Path = ("spec", "template", "spec")  # a workload's pod spec
C0: Path = (*T, "containers", 0)
C1: Path = (*T, "containers", 1)
I0: Path = (*T, "initContainers", 0)
RU: Path = ("spec", "strategy", "rollingUpdate")
PC0: Path = ("spec", "containers", 0)
RSC0: Path = ("spec", "template", "spec", "containers", 0)
SP: Path = ("spec", "ports")


@dataclass(frozen=True)
class Mutation:
    id: str
    base: str
    ops: tuple[Op, ...]
    verdict: str  # "R": the API server rejects it; "A": it accepts it
    bullet: str


def m(id: str, base: str, verdict: str, bullet: str, *ops: Op) -> Mutation:
    return Mutation(id, base, ops, verdict, bullet)


NAMES = "names"
REQUIRED = "required"
KIND = "kind"
SELECTORS = "selectors"
TEMPLATE = "template"
PORTS = "service-ports"
CONTAINERS = "containers"
RESOURCES = "resources"
STRATEGY = "strategy"
FLOATS = "whole-floats"
OTHER = "other"

MUTATIONS: tuple[Mutation, ...] = (
    # names, generateName, namespace, labels, annotations, selectors' and nodeSelector's labels
    m("name-upper-underscore", "deploy", "R", NAMES, (("metadata", "name"), "Web_App")),
    m("name-subdomain-dots", "deploy", "A", NAMES, (("metadata", "name"), "web.frontend.v2")),
    m("name-254", "deploy", "R", NAMES, (("metadata", "name"), "a" * 254)),
    m("name-253", "deploy", "A", NAMES, (("metadata", "name"), "a" * 253)),
    m("name-trailing-dash", "pod", "R", NAMES, (("metadata", "name"), "trainer-")),
    m("svc-name-dot", "svc", "R", NAMES, (("metadata", "name"), "web.shop")),
    m("svc-name-digit-first", "svc", "R", NAMES, (("metadata", "name"), "1web")),
    m("svc-name-digit-inside", "svc", "A", NAMES, (("metadata", "name"), "web-2")),
    m("ns-name-upper", "ns", "R", NAMES, (("metadata", "name"), "Shop")),
    m("ns-name-64", "ns", "R", NAMES, (("metadata", "name"), "s" * 64)),
    m("ns-name-63", "ns", "A", NAMES, (("metadata", "name"), "s" * 63)),
    m("ns-name-dot", "ns", "R", NAMES, (("metadata", "name"), "shop.prod")),
    m("rs-name-subdomain", "rs", "A", NAMES, (("metadata", "name"), "cache.v1")),
    m("generate-name-upper", "pod", "R", NAMES, (("metadata", "generateName"), "Trainer-")),
    m(
        "generate-name-only",
        "pod",
        "A",
        NAMES,
        (("metadata", "name"), DELETE),
        (("metadata", "generateName"), "trainer-"),
    ),
    m("namespace-upper", "deploy", "R", NAMES, (("metadata", "namespace"), "Shop")),
    m("namespace-dot", "deploy", "R", NAMES, (("metadata", "namespace"), "shop.prod")),
    m("namespace-other", "deploy", "A", NAMES, (("metadata", "namespace"), "shop-staging")),
    m("label-key-two-slashes", "deploy", "R", NAMES, (("metadata", "labels", "a/b/c"), "x")),
    m("label-key-prefixed", "deploy", "A", NAMES, (("metadata", "labels", "example.com/team"), "shop")),
    m("label-key-upper-prefix", "deploy", "R", NAMES, (("metadata", "labels", "Example.com/team"), "shop")),
    m("label-key-dash-first", "deploy", "R", NAMES, (("metadata", "labels", "-team"), "shop")),
    m("label-key-64", "deploy", "R", NAMES, (("metadata", "labels", "k" * 64), "x")),
    m("label-key-upper-name", "deploy", "A", NAMES, (("metadata", "labels", "Team"), "shop")),
    m("label-value-space", "deploy", "R", NAMES, (("metadata", "labels", "tier"), "front end")),
    m("label-value-64", "deploy", "R", NAMES, (("metadata", "labels", "tier"), "v" * 64)),
    m("label-value-empty", "deploy", "A", NAMES, (("metadata", "labels", "tier"), "")),
    m("label-value-dots-underscores", "deploy", "A", NAMES, (("metadata", "labels", "tier"), "v1.2_beta-3")),
    m("label-value-slash", "ns", "R", NAMES, (("metadata", "labels", "team"), "shop/web")),
    m(
        "template-label-value-bad",
        "deploy",
        "R",
        NAMES,
        (("spec", "template", "metadata", "labels", "tier"), "front end"),
    ),
    m("annotation-key-space", "deploy", "R", NAMES, (("metadata", "annotations", "my note"), "x")),
    m("annotation-key-upper", "deploy", "A", NAMES, (("metadata", "annotations", "Example.com/Note"), "x")),
    m(
        "annotation-value-free-text",
        "deploy",
        "A",
        NAMES,
        (("metadata", "annotations", "description"), "Any text: 100% ok!"),
    ),
    m("annotations-too-big", "deploy", "R", NAMES, (("metadata", "annotations", "blob"), "x" * 300_000)),
    m("annotations-big-but-fits", "deploy", "A", NAMES, (("metadata", "annotations", "blob"), "x" * 200_000)),
    m(
        "match-labels-value-bad",
        "rs",
        "R",
        NAMES,
        (("spec", "selector", "matchLabels", "app"), "ca che"),
        (("spec", "template", "metadata", "labels", "app"), "ca che"),
    ),
    m(
        "match-expression-key-bad",
        "rs",
        "R",
        NAMES,
        (("spec", "selector", "matchExpressions", 0, "key"), "ro le"),
    ),
    m(
        "match-expression-value-bad",
        "rs",
        "R",
        NAMES,
        (("spec", "selector", "matchExpressions", 0, "values", 1), "re plica"),
    ),
    m("node-selector-key-bad", "deploy", "R", NAMES, ((*T, "nodeSelector", "disk type"), "ssd")),
    m(
        "node-selector-value-bad",
        "deploy",
        "R",
        NAMES,
        ((*T, "nodeSelector", "kubernetes.io/os"), "linux amd64"),
    ),
    m(
        "node-selector-extra",
        "deploy",
        "A",
        NAMES,
        ((*T, "nodeSelector", "topology.kubernetes.io/zone"), "eu-west-1a"),
    ),
    m("service-selector-value-bad", "svc", "R", NAMES, (("spec", "selector", "app"), "web app")),
    m(
        "service-selector-key-prefixed",
        "svc",
        "A",
        NAMES,
        (("spec", "selector", "app.kubernetes.io/name"), "web"),
    ),
    # required values
    m("image-missing", "deploy", "R", REQUIRED, ((*C0, "image"), DELETE)),
    m("image-empty", "deploy", "R", REQUIRED, ((*C0, "image"), "")),
    m("init-image-missing", "deploy", "R", REQUIRED, ((*I0, "image"), DELETE)),
    m("pod-image-missing", "pod", "R", REQUIRED, ((*PC0, "image"), DELETE)),
    m("rs-image-missing", "rs", "R", REQUIRED, ((*RSC0, "image"), DELETE)),
    m("service-ports-missing", "svc", "R", REQUIRED, (("spec", "ports"), DELETE)),
    m("service-ports-empty", "nodeport", "R", REQUIRED, (("spec", "ports"), [])),
    m("headless-ports-missing", "headless", "A", REQUIRED, (("spec", "ports"), DELETE)),
    m(
        "headless-no-selector-no-ports",
        "headless",
        "A",
        REQUIRED,
        (("spec", "ports"), DELETE),
        (("spec", "selector"), DELETE),
    ),
    m("external-name-with-ports", "external", "A", REQUIRED, (("spec", "ports"), [{"port": 443}])),
    m("name-missing", "deploy", "R", REQUIRED, (("metadata", "name"), DELETE)),
    m("svc-name-missing", "svc", "R", REQUIRED, (("metadata", "name"), DELETE)),
    m("rs-template-missing", "rs", "R", REQUIRED, (("spec", "template"), DELETE)),
    m("containers-empty", "deploy", "R", REQUIRED, ((*T, "containers"), [])),
    m("pod-containers-empty", "pod", "R", REQUIRED, (("spec", "containers"), [])),
    # kinds
    m("kind-lowercase", "deploy", "R", KIND, (("kind",), "deployment")),
    m("kind-misspelt", "deploy", "R", KIND, (("kind",), "Deploymnet")),
    m("kind-service-lowercase", "svc", "R", KIND, (("kind",), "service")),
    m("kind-pod-upper", "pod", "R", KIND, (("kind",), "POD")),
    # selectors
    m("selector-empty", "deploy", "R", SELECTORS, (("spec", "selector"), {})),
    m("selector-empty-match-labels", "rs", "R", SELECTORS, (("spec", "selector"), {"matchLabels": {}})),
    m("selector-mismatch", "deploy", "R", SELECTORS, (("spec", "selector", "matchLabels", "app"), "api")),
    m(
        "selector-extra-label-not-in-template",
        "deploy",
        "R",
        SELECTORS,
        (("spec", "selector", "matchLabels", "track"), "stable"),
    ),
    m(
        "selector-two-labels-both-in-template",
        "deploy",
        "A",
        SELECTORS,
        (("spec", "selector", "matchLabels", "tier"), "frontend"),
    ),
    m(
        "selector-expression-in",
        "deploy",
        "A",
        SELECTORS,
        (
            ("spec", "selector"),
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]},
        ),
    ),
    m(
        "selector-expression-notin-mismatch",
        "rs",
        "R",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0, "operator"), "NotIn"),
    ),
    m(
        "selector-expression-exists",
        "rs",
        "A",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0), {"key": "role", "operator": "Exists"}),
    ),
    m(
        "selector-expression-exists-with-values",
        "rs",
        "R",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0, "operator"), "Exists"),
    ),
    m(
        "selector-expression-in-no-values",
        "rs",
        "R",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0), {"key": "role", "operator": "In"}),
    ),
    m(
        "selector-expression-bad-operator",
        "rs",
        "R",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0, "operator"), "in"),
    ),
    m(
        "selector-expression-doesnotexist-mismatch",
        "rs",
        "R",
        SELECTORS,
        (("spec", "selector", "matchExpressions", 0), {"key": "role", "operator": "DoesNotExist"}),
    ),
    m(
        "template-extra-labels",
        "deploy",
        "A",
        SELECTORS,
        (("spec", "template", "metadata", "labels", "version"), "2.4.1"),
    ),
    m("template-labels-missing", "rs", "R", SELECTORS, (("spec", "template", "metadata", "labels"), DELETE)),
    # template rules
    m("template-restart-never", "deploy", "R", TEMPLATE, ((*T, "restartPolicy"), "Never")),
    m(
        "template-restart-onfailure",
        "rs",
        "R",
        TEMPLATE,
        (("spec", "template", "spec", "restartPolicy"), "OnFailure"),
    ),
    m("template-restart-always", "deploy", "A", TEMPLATE, ((*T, "restartPolicy"), "Always")),
    m("template-active-deadline", "deploy", "R", TEMPLATE, ((*T, "activeDeadlineSeconds"), 600)),
    m(
        "rs-template-active-deadline",
        "rs",
        "R",
        TEMPLATE,
        (("spec", "template", "spec", "activeDeadlineSeconds"), 60),
    ),
    m("pod-active-deadline", "pod", "A", TEMPLATE, (("spec", "activeDeadlineSeconds"), 60)),
    m("pod-restart-never", "pod", "A", TEMPLATE, (("spec", "restartPolicy"), "Never")),
    # Service ports
    m("target-port-numeric-string", "svc", "R", PORTS, ((*SP, 1, "targetPort"), "9090")),
    m("target-port-out-of-range", "svc", "R", PORTS, ((*SP, 1, "targetPort"), 70000)),
    m("target-port-upper-name", "svc", "R", PORTS, ((*SP, 0, "targetPort"), "HTTP")),
    m("target-port-double-dash", "svc", "R", PORTS, ((*SP, 0, "targetPort"), "web--http")),
    m("target-port-too-long", "svc", "R", PORTS, ((*SP, 0, "targetPort"), "storefront-https")),
    m("target-port-name-15", "svc", "A", PORTS, ((*SP, 0, "targetPort"), "storefront-http")),
    m("target-port-number", "svc", "A", PORTS, ((*SP, 0, "targetPort"), 8080)),
    m("target-port-omitted", "svc", "A", PORTS, ((*SP, 0, "targetPort"), DELETE)),
    m("node-port-below-range", "nodeport", "R", PORTS, ((*SP, 0, "nodePort"), 80)),
    m("node-port-above-range", "nodeport", "R", PORTS, ((*SP, 0, "nodePort"), 32768)),
    m("node-port-range-top", "nodeport", "A", PORTS, ((*SP, 0, "nodePort"), 32767)),
    m("node-port-omitted", "nodeport", "A", PORTS, ((*SP, 0, "nodePort"), DELETE)),
    m("node-port-on-cluster-ip", "svc", "R", PORTS, ((*SP, 0, "nodePort"), 30080)),
    m("node-port-on-load-balancer", "nodeport", "A", PORTS, (("spec", "type"), "LoadBalancer")),
    m("multi-port-unnamed", "svc", "R", PORTS, ((*SP, 1, "name"), DELETE)),
    m("single-port-unnamed", "headless", "A", PORTS, ((*SP, 0, "name"), DELETE)),
    m("port-name-upper", "svc", "R", PORTS, ((*SP, 0, "name"), "HTTP")),
    m("port-names-duplicate", "svc", "R", PORTS, ((*SP, 1, "name"), "http")),
    m("ports-duplicate", "svc", "R", PORTS, ((*SP, 1, "port"), 80)),
    m("ports-same-number-udp", "svc", "A", PORTS, ((*SP, 1, "port"), 80), ((*SP, 1, "protocol"), "UDP")),
    m("external-name-missing", "external", "R", PORTS, (("spec", "externalName"), DELETE)),
    m("external-name-invalid", "external", "R", PORTS, (("spec", "externalName"), "billing_db.example.com")),
    m(
        "external-name-trailing-dot",
        "external",
        "A",
        PORTS,
        (("spec", "externalName"), "billing.example.com."),
    ),
    m("cluster-ip-none-lowercase", "headless", "R", PORTS, (("spec", "clusterIP"), "none")),
    m("cluster-ip-not-an-ip", "svc", "R", PORTS, (("spec", "clusterIP"), "10.96.0.300")),
    m("cluster-ip-none-on-nodeport", "nodeport", "R", PORTS, (("spec", "clusterIP"), "None")),
    m("cluster-ip-on-external-name", "external", "R", PORTS, (("spec", "clusterIP"), "None")),
    m("session-affinity-client-ip", "svc", "A", PORTS, (("spec", "sessionAffinity"), "ClientIP")),
    # containers
    m("container-names-duplicate", "deploy", "R", CONTAINERS, ((*C1, "name"), "web")),
    m("init-container-name-duplicate", "deploy", "R", CONTAINERS, ((*I0, "name"), "web")),
    m("container-name-upper", "deploy", "R", CONTAINERS, ((*C0, "name"), "Web")),
    m("container-name-underscore", "pod", "R", CONTAINERS, ((*PC0, "name"), "train_job")),
    m("container-port-names-duplicate", "deploy", "R", CONTAINERS, ((*C0, "ports", 1, "name"), "http")),
    m("container-port-name-upper", "deploy", "R", CONTAINERS, ((*C0, "ports", 0, "name"), "HTTP")),
    m(
        "container-port-name-too-long",
        "pod",
        "R",
        CONTAINERS,
        ((*PC0, "ports", 0, "name"), "tensorboard-http"),
    ),
    m("container-port-name-digits", "rs", "R", CONTAINERS, ((*RSC0, "ports", 0, "name"), "6379")),
    m(
        "container-port-numbers-duplicate",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "ports", 1, "containerPort"), 8080),
    ),
    m("container-port-unnamed", "deploy", "A", CONTAINERS, ((*C0, "ports", 1, "name"), DELETE)),
    m("mount-unknown-volume", "deploy", "R", CONTAINERS, ((*C0, "volumeMounts", 0, "name"), "data")),
    m("mount-path-duplicate", "deploy", "R", CONTAINERS, ((*C0, "volumeMounts", 1, "mountPath"), "/etc/web")),
    m("mount-sub-path", "deploy", "A", CONTAINERS, ((*C0, "volumeMounts", 0, "subPath"), "web.conf")),
    m(
        "mount-sub-path-escapes",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "volumeMounts", 0, "subPath"), "../secrets"),
    ),
    m("volume-names-duplicate", "deploy", "R", CONTAINERS, ((*T, "volumes", 1, "name"), "config")),
    m(
        "volume-name-upper",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "volumes", 0, "name"), "Config"),
        ((*C0, "volumeMounts", 0, "name"), "Config"),
    ),
    m("volume-two-sources", "deploy", "R", CONTAINERS, ((*T, "volumes", 1, "configMap"), {"name": "x"})),
    m("env-value-and-value-from", "deploy", "R", CONTAINERS, ((*C0, "env", 1, "value"), "fixed")),
    m("env-empty-value-and-value-from", "deploy", "A", CONTAINERS, ((*C0, "env", 1, "value"), "")),
    m("env-value-from-empty", "deploy", "R", CONTAINERS, ((*C0, "env", 1, "valueFrom"), {})),
    m(
        "env-value-from-two-sources",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "env", 1, "valueFrom", "secretKeyRef"), {"name": "s", "key": "k"}),
    ),
    m("env-name-digit-first", "deploy", "R", CONTAINERS, ((*C0, "env", 0, "name"), "1LOG_LEVEL")),
    m("env-name-space", "deploy", "R", CONTAINERS, ((*C0, "env", 0, "name"), "LOG LEVEL")),
    m("env-name-dots-dashes", "deploy", "A", CONTAINERS, ((*C0, "env", 0, "name"), "log.level-x")),
    m(
        "env-names-duplicate",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "env", 1), {"name": "LOG_LEVEL", "value": "debug"}),
    ),
    m("probe-no-handler", "deploy", "R", CONTAINERS, ((*C0, "readinessProbe"), {"periodSeconds": 5})),
    m(
        "probe-two-handlers",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "livenessProbe", "exec"), {"command": ["true"]}),
    ),
    m("probe-grpc", "deploy", "A", CONTAINERS, ((*C0, "livenessProbe"), {"grpc": {"port": 8080}})),
    m(
        "liveness-success-threshold-2",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "livenessProbe", "successThreshold"), 2),
    ),
    m(
        "readiness-success-threshold-2",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "readinessProbe", "successThreshold"), 2),
    ),
    m("probe-port-name-bad", "deploy", "R", CONTAINERS, ((*C0, "readinessProbe", "httpGet", "port"), "HTTP")),
    m(
        "init-container-readiness-probe",
        "deploy",
        "R",
        CONTAINERS,
        ((*I0, "readinessProbe"), {"exec": {"command": ["true"]}}),
    ),
    m(
        "sidecar-readiness-probe",
        "deploy",
        "A",
        CONTAINERS,
        ((*I0, "restartPolicy"), "Always"),
        ((*I0, "readinessProbe"), {"exec": {"command": ["true"]}}),
    ),
    m("lifecycle-no-handler", "deploy", "R", CONTAINERS, ((*C0, "lifecycle"), {"preStop": {}})),
    m(
        "lifecycle-sleep",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "lifecycle"), {"preStop": {"sleep": {"seconds": 5}}}),
    ),
    m("run-as-user-negative", "deploy", "R", CONTAINERS, ((*C0, "securityContext", "runAsUser"), -1)),
    m("run-as-user-root", "deploy", "A", CONTAINERS, ((*C0, "securityContext", "runAsUser"), 0)),
    m("pod-run-as-group-negative", "deploy", "R", CONTAINERS, ((*T, "securityContext", "runAsGroup"), -5)),
    m("pod-fs-group-negative", "deploy", "R", CONTAINERS, ((*T, "securityContext", "fsGroup"), -1)),
    m(
        "privileged-without-escalation",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "securityContext", "privileged"), True),
    ),
    m(
        "privileged-with-escalation",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "securityContext", "privileged"), True),
        ((*C0, "securityContext", "allowPrivilegeEscalation"), True),
    ),
    m(
        "host-network-host-port-differs",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "hostNetwork"), True),
        ((*C0, "ports", 0, "hostPort"), 80),
    ),
    m(
        "host-network-host-port-equal",
        "deploy",
        "A",
        CONTAINERS,
        ((*T, "hostNetwork"), True),
        ((*C0, "ports", 0, "hostPort"), 8080),
    ),
    m("host-network-no-host-port", "deploy", "A", CONTAINERS, ((*T, "hostNetwork"), True)),
    m(
        "host-port-differs-without-host-network",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "ports", 0, "hostPort"), 80),
    ),
    m(
        "image-leading-space",
        "deploy",
        "R",
        CONTAINERS,
        ((*C0, "image"), " registry.example.com/shop/web:2.4.1"),
    ),
    m(
        "image-changed",
        "deploy",
        "A",
        CONTAINERS,
        ((*C0, "image"), "registry.example.com/shop/web@sha256:" + "a" * 64),
    ),
    m(
        "toleration-exists-with-value",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "tolerations", 0, "operator"), "Exists"),
    ),
    m("toleration-empty-key-equal", "deploy", "R", CONTAINERS, ((*T, "tolerations", 0, "key"), DELETE)),
    m(
        "toleration-seconds-no-execute",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "tolerations", 0, "tolerationSeconds"), 60),
    ),
    m("toleration-match-all", "deploy", "A", CONTAINERS, ((*T, "tolerations", 0), {"operator": "Exists"})),
    m("dns-policy-none-without-config", "pod", "R", CONTAINERS, (("spec", "dnsPolicy"), "None")),
    m("service-account-name-upper", "deploy", "R", CONTAINERS, ((*T, "serviceAccountName"), "Web")),
    m("hostname-bad", "pod", "R", CONTAINERS, (("spec", "hostname"), "trainer.local")),
    # resources
    m("request-above-limit-cpu", "deploy", "R", RESOURCES, ((*C0, "resources", "requests", "cpu"), "2")),
    m(
        "request-above-limit-memory",
        "deploy",
        "R",
        RESOURCES,
        ((*C0, "resources", "requests", "memory"), "1Gi"),
    ),
    m("request-above-limit-milli", "deploy", "R", RESOURCES, ((*C0, "resources", "limits", "cpu"), "200m")),
    m(
        "request-equals-limit-spelt-differently",
        "deploy",
        "A",
        RESOURCES,
        ((*C0, "resources", "requests", "cpu"), "1000m"),
    ),
    m("request-half-limit-decimal", "deploy", "A", RESOURCES, ((*C0, "resources", "limits", "cpu"), "0.25")),
    m(
        "init-request-above-limit",
        "deploy",
        "R",
        RESOURCES,
        ((*I0, "resources", "limits"), {"memory": "32Mi"}),
    ),
    m("sidecar-limit-only", "deploy", "A", RESOURCES, ((*C1, "resources", "requests"), DELETE)),
    m("request-negative", "deploy", "R", RESOURCES, ((*C0, "resources", "requests", "cpu"), "-250m")),
    m("limit-negative", "deploy", "R", RESOURCES, ((*C0, "resources", "limits", "memory"), "-512Mi")),
    m("request-zero", "deploy", "A", RESOURCES, ((*C0, "resources", "requests", "cpu"), "0")),
    m(
        "gpu-fractional",
        "pod",
        "R",
        RESOURCES,
        ((*PC0, "resources", "requests", "nvidia.com/gpu"), 0.5),
        ((*PC0, "resources", "limits", "nvidia.com/gpu"), 0.5),
    ),
    m(
        "gpu-milli",
        "pod",
        "R",
        RESOURCES,
        ((*PC0, "resources", "requests", "nvidia.com/gpu"), "500m"),
        ((*PC0, "resources", "limits", "nvidia.com/gpu"), "500m"),
    ),
    m("gpu-request-below-limit", "pod", "R", RESOURCES, ((*PC0, "resources", "limits", "nvidia.com/gpu"), 2)),
    m(
        "gpu-request-without-limit",
        "pod",
        "R",
        RESOURCES,
        ((*PC0, "resources", "limits", "nvidia.com/gpu"), DELETE),
    ),
    m("gpu-limit-only", "pod", "A", RESOURCES, ((*PC0, "resources", "requests", "nvidia.com/gpu"), DELETE)),
    m(
        "gpu-two",
        "pod",
        "A",
        RESOURCES,
        ((*PC0, "resources", "requests", "nvidia.com/gpu"), 2),
        ((*PC0, "resources", "limits", "nvidia.com/gpu"), 2),
    ),
    m("resource-name-not-standard", "pod", "R", RESOURCES, ((*PC0, "resources", "limits", "gpu"), 1)),
    m(
        "resource-ephemeral-storage",
        "pod",
        "A",
        RESOURCES,
        ((*PC0, "resources", "limits", "ephemeral-storage"), "10Gi"),
    ),
    # Deployment strategy
    m(
        "surge-and-unavailable-zero",
        "deploy",
        "R",
        STRATEGY,
        ((*RU, "maxSurge"), 0),
        ((*RU, "maxUnavailable"), 0),
    ),
    m(
        "surge-and-unavailable-zero-percent",
        "deploy",
        "R",
        STRATEGY,
        ((*RU, "maxSurge"), "0%"),
        ((*RU, "maxUnavailable"), "0%"),
    ),
    m(
        "surge-zero-unavailable-default",
        "deploy",
        "A",
        STRATEGY,
        ((*RU, "maxSurge"), 0),
        ((*RU, "maxUnavailable"), DELETE),
    ),
    m("surge-zero-unavailable-one", "deploy", "A", STRATEGY, ((*RU, "maxSurge"), 0)),
    m("unavailable-above-100", "deploy", "R", STRATEGY, ((*RU, "maxUnavailable"), "150%")),
    m("unavailable-100", "deploy", "A", STRATEGY, ((*RU, "maxUnavailable"), "100%")),
    m("surge-above-100", "deploy", "A", STRATEGY, ((*RU, "maxSurge"), "150%")),
    m("unavailable-not-percent", "deploy", "R", STRATEGY, ((*RU, "maxUnavailable"), "25")),
    m("surge-negative", "deploy", "R", STRATEGY, ((*RU, "maxSurge"), -1)),
    m("recreate-with-rolling-update", "deploy", "R", STRATEGY, (("spec", "strategy", "type"), "Recreate")),
    m("recreate", "deploy", "A", STRATEGY, (("spec", "strategy"), {"type": "Recreate"})),
    m(
        "progress-deadline-equals-min-ready",
        "deploy",
        "R",
        STRATEGY,
        (("spec", "progressDeadlineSeconds"), 5),
    ),
    m("progress-deadline-below-min-ready", "deploy", "R", STRATEGY, (("spec", "progressDeadlineSeconds"), 3)),
    m("progress-deadline-above-min-ready", "deploy", "A", STRATEGY, (("spec", "progressDeadlineSeconds"), 6)),
    m("min-ready-beyond-default-deadline", "deploy", "R", STRATEGY, (("spec", "minReadySeconds"), 600)),
    m("min-ready-below-default-deadline", "deploy", "A", STRATEGY, (("spec", "minReadySeconds"), 599)),
    # whole-number floats are integers as kubectl sends them
    m("replicas-float-whole", "deploy", "A", FLOATS, (("spec", "replicas"), 3.0)),
    m("container-port-float-whole", "deploy", "A", FLOATS, ((*C0, "ports", 0, "containerPort"), 8080.0)),
    m("service-port-float-whole", "svc", "A", FLOATS, ((*SP, 0, "port"), 80.0)),
    m("replicas-float-fraction", "deploy", "R", FLOATS, (("spec", "replicas"), 3.5)),
    m("port-float-fraction", "svc", "R", FLOATS, ((*SP, 0, "port"), 80.5)),
    # the downward API, key references, volume sources, scheduling and external traffic
    m(
        "env-field-path-typo",
        "deploy",
        "R",
        OTHER,
        ((*C0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "metadata.nam"),
    ),
    m(
        "env-field-path-label",
        "deploy",
        "A",
        OTHER,
        ((*C0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "metadata.labels['app']"),
    ),
    m(
        "env-field-path-pod-ip",
        "deploy",
        "A",
        OTHER,
        ((*C0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "status.podIP"),
    ),
    m(
        "env-field-path-all-labels",
        "deploy",
        "R",
        OTHER,
        ((*C0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "metadata.labels"),
    ),
    m(
        "env-resource-field-bad",
        "deploy",
        "R",
        OTHER,
        ((*C0, "env", 1, "valueFrom"), {"resourceFieldRef": {"resource": "limits.gpu"}}),
    ),
    m(
        "env-resource-field-memory",
        "deploy",
        "A",
        OTHER,
        ((*C0, "env", 1, "valueFrom"), {"resourceFieldRef": {"resource": "requests.memory"}}),
    ),
    m(
        "env-config-map-key-bad",
        "deploy",
        "R",
        OTHER,
        ((*C0, "env", 1, "valueFrom"), {"configMapKeyRef": {"name": "web", "key": "log level"}}),
    ),
    m(
        "env-config-map-key",
        "deploy",
        "A",
        OTHER,
        ((*C0, "env", 1, "valueFrom"), {"configMapKeyRef": {"name": "web", "key": "log.level"}}),
    ),
    m(
        "env-secret-key-no-name",
        "deploy",
        "R",
        OTHER,
        ((*C0, "env", 1, "valueFrom"), {"secretKeyRef": {"key": "password"}}),
    ),
    m(
        "env-from-prefix-bad",
        "deploy",
        "R",
        OTHER,
        ((*C0, "envFrom"), [{"prefix": "1_", "configMapRef": {"name": "web"}}]),
    ),
    m(
        "env-from-config-map",
        "deploy",
        "A",
        OTHER,
        ((*C0, "envFrom"), [{"prefix": "WEB_", "configMapRef": {"name": "web"}}]),
    ),
    m("volume-config-map-no-name", "deploy", "R", OTHER, ((*T, "volumes", 0, "configMap"), {})),
    m("volume-secret-no-name", "deploy", "R", OTHER, ((*T, "volumes", 0), {"name": "config", "secret": {}})),
    m(
        "volume-secret",
        "deploy",
        "A",
        OTHER,
        ((*T, "volumes", 0), {"name": "config", "secret": {"secretName": "web"}}),
    ),
    m(
        "node-affinity-in-no-values",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [{"matchExpressions": [{"key": "disk", "operator": "In"}]}]
                    }
                }
            },
        ),
    ),
    m(
        "node-affinity-gt-two-values",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4", "8"]}]}
                        ]
                    }
                }
            },
        ),
    ),
    m(
        "node-affinity-no-terms",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "affinity"),
            {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}},
        ),
    ),
    m(
        "node-affinity-exists",
        "deploy",
        "A",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [{"matchExpressions": [{"key": "disk", "operator": "Exists"}]}]
                    }
                }
            },
        ),
    ),
    m(
        "anti-affinity-no-topology-key",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": ""}
                    ]
                }
            },
        ),
    ),
    m(
        "anti-affinity-weight-zero",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "weight": 0,
                            "podAffinityTerm": {
                                "labelSelector": {"matchLabels": {"app": "web"}},
                                "topologyKey": "kubernetes.io/hostname",
                            },
                        }
                    ]
                }
            },
        ),
    ),
    m(
        "anti-affinity-preferred",
        "deploy",
        "A",
        SELECTORS,
        (
            (*T, "affinity"),
            {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "weight": 100,
                            "podAffinityTerm": {
                                "labelSelector": {"matchLabels": {"app": "web"}},
                                "topologyKey": "kubernetes.io/hostname",
                            },
                        }
                    ]
                }
            },
        ),
    ),
    m(
        "spread-max-skew-zero",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "topologySpreadConstraints"),
            [
                {
                    "maxSkew": 0,
                    "topologyKey": "topology.kubernetes.io/zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "labelSelector": {"matchLabels": {"app": "web"}},
                }
            ],
        ),
    ),
    m(
        "spread-bad-when",
        "deploy",
        "R",
        SELECTORS,
        (
            (*T, "topologySpreadConstraints"),
            [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "Never"}],
        ),
    ),
    m(
        "spread",
        "deploy",
        "A",
        SELECTORS,
        (
            (*T, "topologySpreadConstraints"),
            [
                {
                    "maxSkew": 1,
                    "topologyKey": "topology.kubernetes.io/zone",
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": {"matchLabels": {"app": "web"}},
                }
            ],
        ),
    ),
    m("traffic-policy-on-cluster-ip", "svc", "R", PORTS, (("spec", "externalTrafficPolicy"), "Local")),
    m("traffic-policy-on-node-port", "nodeport", "A", PORTS, (("spec", "externalTrafficPolicy"), "Local")),
    m(
        "source-ranges-on-node-port",
        "nodeport",
        "R",
        PORTS,
        (("spec", "loadBalancerSourceRanges"), ["10.0.0.0/8"]),
    ),
    m(
        "source-ranges-on-load-balancer",
        "nodeport",
        "A",
        PORTS,
        (("spec", "type"), "LoadBalancer"),
        (("spec", "loadBalancerSourceRanges"), ["10.0.0.0/8"]),
    ),
    m(
        "host-alias-bad-ip",
        "pod",
        "R",
        OTHER,
        (("spec", "hostAliases"), [{"ip": "10.0.0.300", "hostnames": ["db"]}]),
    ),
    m("host-alias", "pod", "A", OTHER, (("spec", "hostAliases"), [{"ip": "10.0.0.30", "hostnames": ["db"]}])),
    m("dns-nameserver-bad", "pod", "R", OTHER, (("spec", "dnsConfig"), {"nameservers": ["dns.local"]})),
    m(
        "dns-four-nameservers",
        "pod",
        "R",
        OTHER,
        (("spec", "dnsConfig"), {"nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9", "8.8.4.4"]}),
    ),
    m(
        "dns-none-with-config",
        "pod",
        "A",
        OTHER,
        (("spec", "dnsPolicy"), "None"),
        (("spec", "dnsConfig"), {"nameservers": ["1.1.1.1"]}),
    ),
    m("os-name-bad", "pod", "R", OTHER, (("spec", "os"), {"name": "macos"})),
    m("os-name-linux", "pod", "A", OTHER, (("spec", "os"), {"name": "linux"})),
    m(
        "share-process-namespace-host-pid",
        "pod",
        "R",
        OTHER,
        (("spec", "shareProcessNamespace"), True),
        (("spec", "hostPID"), True),
    ),
    m(
        "seccomp-localhost-no-profile",
        "deploy",
        "R",
        OTHER,
        ((*T, "securityContext", "seccompProfile"), {"type": "Localhost"}),
    ),
    m(
        "seccomp-runtime-default",
        "deploy",
        "A",
        OTHER,
        ((*C0, "securityContext", "seccompProfile"), {"type": "RuntimeDefault"}),
    ),
    m(
        "hugepages-alone",
        "pod",
        "R",
        RESOURCES,
        ((*PC0, "resources"), {"limits": {"hugepages-2Mi": "100Mi"}, "requests": {"hugepages-2Mi": "100Mi"}}),
    ),
    m(
        "hugepages-with-memory",
        "pod",
        "A",
        RESOURCES,
        (
            (*PC0, "resources"),
            {
                "limits": {"hugepages-2Mi": "100Mi", "memory": "1Gi"},
                "requests": {"hugepages-2Mi": "100Mi", "memory": "1Gi"},
            },
        ),
    ),
    m(
        "config-map-mode-too-big",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "volumes", 0, "configMap", "defaultMode"), 1000),
    ),
    m(
        "config-map-mode-octal",
        "deploy",
        "A",
        CONTAINERS,
        ((*T, "volumes", 0, "configMap", "defaultMode"), 0o644),
    ),
    m(
        "config-map-item-absolute",
        "deploy",
        "R",
        CONTAINERS,
        ((*T, "volumes", 0, "configMap", "items"), [{"key": "web.conf", "path": "/etc/web.conf"}]),
    ),
    m(
        "config-map-item",
        "deploy",
        "A",
        CONTAINERS,
        ((*T, "volumes", 0, "configMap", "items"), [{"key": "web.conf", "path": "conf/web.conf"}]),
    ),
    m("runtime-class-bad", "pod", "R", NAMES, (("spec", "runtimeClassName"), "GVisor")),
    m("runtime-class", "pod", "A", NAMES, (("spec", "runtimeClassName"), "gvisor")),
    # everyday edits the server accepts
    m("replicas-zero", "deploy", "A", OTHER, (("spec", "replicas"), 0)),
    m("paused", "deploy", "A", OTHER, (("spec", "paused"), True)),
    m("service-type-load-balancer", "svc", "A", OTHER, (("spec", "type"), "LoadBalancer")),
    m("rs-replicas-five", "rs", "A", OTHER, (("spec", "replicas"), 5)),
    m(
        "ns-annotation",
        "ns",
        "A",
        OTHER,
        (("metadata", "annotations"), {"scheduler.alpha.kubernetes.io/node-selector": "env=prod"}),
    ),
)
