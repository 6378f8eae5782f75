"""Realistic base manifests for the mutation suite, each one the API server accepts as it is."""

from __future__ import annotations

import copy
from typing import Any

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "labels": {"app.kubernetes.io/name": "web", "tier": "frontend"},
        "annotations": {"example.com/owner": "team-shop", "description": "storefront web tier"},
    },
    "spec": {
        "replicas": 3,
        "revisionHistoryLimit": 5,
        "minReadySeconds": 5,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web", "tier": "frontend"}},
            "spec": {
                "serviceAccountName": "web",
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "tolerations": [
                    {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}
                ],
                "securityContext": {"runAsNonRoot": True, "fsGroup": 2000},
                "initContainers": [
                    {
                        "name": "migrate",
                        "image": "registry.example.com/shop/migrate:2.4.1",
                        "command": ["/migrate", "--up"],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                    }
                ],
                "containers": [
                    {
                        "name": "web",
                        "image": "registry.example.com/shop/web:2.4.1",
                        "ports": [
                            {"name": "http", "containerPort": 8080},
                            {"name": "metrics", "containerPort": 9090},
                        ],
                        "env": [
                            {"name": "LOG_LEVEL", "value": "info"},
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        ],
                        "resources": {
                            "requests": {"cpu": "250m", "memory": "256Mi"},
                            "limits": {"cpu": "1", "memory": "512Mi"},
                        },
                        "volumeMounts": [
                            {"name": "config", "mountPath": "/etc/web"},
                            {"name": "cache", "mountPath": "/var/cache/web"},
                        ],
                        "readinessProbe": {
                            "httpGet": {"path": "/healthz", "port": "http"},
                            "periodSeconds": 5,
                        },
                        "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10},
                        "securityContext": {"runAsUser": 1000, "allowPrivilegeEscalation": False},
                    },
                    {
                        "name": "log-shipper",
                        "image": "fluent/fluent-bit:3.0.4",
                        "resources": {
                            "requests": {"cpu": "50m", "memory": "64Mi"},
                            "limits": {"memory": "128Mi"},
                        },
                        "volumeMounts": [{"name": "cache", "mountPath": "/logs", "readOnly": True}],
                    },
                ],
                "volumes": [
                    {"name": "config", "configMap": {"name": "web-config"}},
                    {"name": "cache", "emptyDir": {}},
                ],
            },
        },
    },
}

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "selector": {"app": "web"},
        "ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "metrics", "port": 9090, "targetPort": 9090},
        ],
    },
}

NODEPORT: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web-public"},
    "spec": {
        "type": "NodePort",
        "selector": {"app": "web"},
        "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080}],
    },
}

HEADLESS: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "db"},
    "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"name": "pg", "port": 5432}]},
}

EXTERNAL: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "billing"},
    "spec": {"type": "ExternalName", "externalName": "billing.example.com"},
}

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "trainer", "labels": {"app": "trainer"}},
    "spec": {
        "restartPolicy": "OnFailure",
        "activeDeadlineSeconds": 3600,
        "containers": [
            {
                "name": "train",
                "image": "nvcr.io/nvidia/pytorch:24.05-py3",
                "args": ["python", "train.py"],
                "ports": [{"containerPort": 6006, "name": "tensorboard"}],
                "resources": {
                    "requests": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": 1},
                    "limits": {"memory": "16Gi", "nvidia.com/gpu": 1},
                },
            }
        ],
    },
}

REPLICASET: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "cache", "labels": {"app": "cache"}},
    "spec": {
        "replicas": 2,
        "selector": {
            "matchLabels": {"app": "cache"},
            "matchExpressions": [{"key": "role", "operator": "In", "values": ["primary", "replica"]}],
        },
        "template": {
            "metadata": {"labels": {"app": "cache", "role": "replica"}},
            "spec": {
                "containers": [
                    {
                        "name": "redis",
                        "image": "redis:7.2",
                        "ports": [{"containerPort": 6379, "name": "redis"}],
                        "resources": {
                            "requests": {"cpu": "100m", "memory": "128Mi"},
                            "limits": {"memory": "128Mi"},
                        },
                    }
                ]
            },
        },
    },
}

NAMESPACE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Namespace",
    "metadata": {"name": "shop", "labels": {"team": "shop"}},
}

BASES: dict[str, dict[str, Any]] = {
    "deploy": DEPLOYMENT,
    "svc": SERVICE,
    "nodeport": NODEPORT,
    "headless": HEADLESS,
    "external": EXTERNAL,
    "pod": POD,
    "rs": REPLICASET,
    "ns": NAMESPACE,
}


def base(name: str) -> dict[str, Any]:
    return copy.deepcopy(BASES[name])
