"""ReplicaSet and Deployment (apps/v1), with rollout strategy and status."""

import re
from typing import Literal

from pydantic import Field, field_validator

from manikit.models.base import INT32_MAX, IntOrString, K8sModel
from manikit.models.meta import TypeMeta
from manikit.models.pod import Condition, PodTemplateSpec
from manikit.models.selector import LabelSelector

_PERCENT = re.compile(r"^[0-9]+%$")


def _int_or_percent(value: IntOrString | None) -> IntOrString | None:
    if isinstance(value, str) and not _PERCENT.match(value):
        raise ValueError(f'"{value}" must be an integer or a percentage such as "25%"')
    if isinstance(value, int) and value < 0:
        raise ValueError("must be greater than or equal to 0")
    return value


class RollingUpdateDeployment(K8sModel):
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None

    _check_unavailable = field_validator("max_unavailable")(_int_or_percent)
    _check_surge = field_validator("max_surge")(_int_or_percent)


class DeploymentStrategy(K8sModel):
    type: Literal["RollingUpdate", "Recreate"] | None = None
    rolling_update: RollingUpdateDeployment | None = None


class ReplicaSetSpec(K8sModel):
    replicas: int | None = Field(None, ge=0, le=INT32_MAX)
    min_ready_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    selector: LabelSelector
    template: PodTemplateSpec | None = None


class ReplicaSetStatus(K8sModel):
    replicas: int = 0
    fully_labeled_replicas: int | None = None
    ready_replicas: int | None = None
    available_replicas: int | None = None
    observed_generation: int | None = None
    conditions: list[Condition] | None = None


class ReplicaSet(TypeMeta):
    api_version: Literal["apps/v1"] = "apps/v1"
    kind: Literal["ReplicaSet"] = "ReplicaSet"
    spec: ReplicaSetSpec
    status: ReplicaSetStatus | None = None


class DeploymentSpec(K8sModel):
    replicas: int | None = Field(None, ge=0, le=INT32_MAX)
    selector: LabelSelector
    template: PodTemplateSpec
    strategy: DeploymentStrategy | None = None
    min_ready_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    revision_history_limit: int | None = Field(None, ge=0, le=INT32_MAX)
    paused: bool | None = None
    progress_deadline_seconds: int | None = Field(None, ge=1, le=INT32_MAX)


class DeploymentStatus(K8sModel):
    observed_generation: int | None = None
    replicas: int | None = None
    updated_replicas: int | None = None
    ready_replicas: int | None = None
    available_replicas: int | None = None
    unavailable_replicas: int | None = None
    conditions: list[Condition] | None = None
    collision_count: int | None = None


class Deployment(TypeMeta):
    api_version: Literal["apps/v1"] = "apps/v1"
    kind: Literal["Deployment"] = "Deployment"
    spec: DeploymentSpec
    status: DeploymentStatus | None = None
