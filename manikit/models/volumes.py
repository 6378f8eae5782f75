"""Pod volumes (core/v1 ``Volume`` and every volume source), field for field as Kubernetes defines them.

Also the small reference and selector types volumes share with env ``valueFrom`` and image pull secrets.
"""

from pydantic import Field

from manikit.models.base import K8sModel, Opaque
from manikit.models.quantity import Quantity
from manikit.models.selector import LabelSelector

# Conventions: Kubernetes int32/int64 fields are ``int`` (strict, so "1" is refused), optional fields
# default to None so that ``to_k8s()`` gives back what was written, and where pydantic's to_camel would
# spell a name differently from Kubernetes (volumeID, diskURI, targetWWNs, ...) the alias is explicit.


# Shared references and selectors --------------------------------------------------------------------------
class LocalObjectReference(K8sModel):
    """A reference to an object in the same namespace (a Secret, a ConfigMap)."""

    name: str | None = None


class KeyToPath(K8sModel):
    """Maps a key of a Secret or ConfigMap to a file path inside the volume."""

    key: str
    path: str
    mode: int | None = None


class ObjectFieldSelector(K8sModel):
    """Selects a field of the pod (``metadata.name``, ``status.podIP``, ...)."""

    api_version: str | None = None
    field_path: str


class ResourceFieldSelector(K8sModel):
    """Selects a container's resource request or limit (``limits.cpu``, ``requests.memory``, ...)."""

    container_name: str | None = None
    resource: str
    divisor: Quantity | None = None


# Local and node volumes -----------------------------------------------------------------------------------
class EmptyDirVolumeSource(K8sModel):
    medium: str | None = None  # "" (node default) or "Memory"; also HugePages, HugePages-<size>
    size_limit: Quantity | None = None


class HostPathVolumeSource(K8sModel):
    path: str
    type: str | None = None  # "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, ...


class ImageVolumeSource(K8sModel):
    reference: str | None = None
    pull_policy: str | None = None  # Always, Never, IfNotPresent


class GitRepoVolumeSource(K8sModel):
    """Deprecated by Kubernetes, still accepted."""

    repository: str
    revision: str | None = None
    directory: str | None = None


# Claims and generic drivers -------------------------------------------------------------------------------
class PersistentVolumeClaimVolumeSource(K8sModel):
    claim_name: str
    read_only: bool | None = None


class EphemeralVolumeSource(K8sModel):
    # A PersistentVolumeClaimTemplate (metadata + spec); Kubernetes' validation requires it.
    volume_claim_template: Opaque


class CSIVolumeSource(K8sModel):
    driver: str
    read_only: bool | None = None
    fs_type: str | None = None
    volume_attributes: dict[str, str] | None = None
    node_publish_secret_ref: LocalObjectReference | None = None


class FlexVolumeSource(K8sModel):
    driver: str
    fs_type: str | None = None
    secret_ref: LocalObjectReference | None = None
    read_only: bool | None = None
    options: dict[str, str] | None = None


# Data projected from the API: Secrets, ConfigMaps, the downward API, tokens -------------------------------
class SecretVolumeSource(K8sModel):
    secret_name: str | None = None
    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class ConfigMapVolumeSource(LocalObjectReference):
    """``name`` (inlined LocalObjectReference) plus the items to project."""

    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class DownwardAPIVolumeFile(K8sModel):
    path: str
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    mode: int | None = None


class DownwardAPIVolumeSource(K8sModel):
    items: list[DownwardAPIVolumeFile] | None = None
    default_mode: int | None = None


class SecretProjection(LocalObjectReference):
    items: list[KeyToPath] | None = None
    optional: bool | None = None


class ConfigMapProjection(LocalObjectReference):
    items: list[KeyToPath] | None = None
    optional: bool | None = None


class DownwardAPIProjection(K8sModel):
    items: list[DownwardAPIVolumeFile] | None = None


class ServiceAccountTokenProjection(K8sModel):
    audience: str | None = None
    expiration_seconds: int | None = None
    path: str


class ClusterTrustBundleProjection(K8sModel):
    name: str | None = None
    signer_name: str | None = None
    label_selector: LabelSelector | None = None
    optional: bool | None = None
    path: str


class PodCertificateProjection(K8sModel):
    """Alpha in Kubernetes 1.34 (PodCertificateProjection feature gate)."""

    signer_name: str
    key_type: str  # RSA3072, RSA4096, ECDSAP256, ECDSAP384, ECDSAP521, ED25519
    max_expiration_seconds: int | None = None
    credential_bundle_path: str | None = None
    key_path: str | None = None
    certificate_chain_path: str | None = None
    user_annotations: dict[str, str] | None = None


class VolumeProjection(K8sModel):
    secret: SecretProjection | None = None
    downward_api: DownwardAPIProjection | None = Field(None, alias="downwardAPI")
    config_map: ConfigMapProjection | None = None
    service_account_token: ServiceAccountTokenProjection | None = None
    cluster_trust_bundle: ClusterTrustBundleProjection | None = None
    pod_certificate: PodCertificateProjection | None = None


class ProjectedVolumeSource(K8sModel):
    sources: list[VolumeProjection] | None = None
    default_mode: int | None = None


# Network filesystems and block devices --------------------------------------------------------------------
class NFSVolumeSource(K8sModel):
    server: str
    path: str
    read_only: bool | None = None


class ISCSIVolumeSource(K8sModel):
    target_portal: str
    iqn: str
    lun: int
    iscsi_interface: str | None = None
    fs_type: str | None = None
    read_only: bool | None = None
    portals: list[str] | None = None
    chap_auth_discovery: bool | None = None
    chap_auth_session: bool | None = None
    secret_ref: LocalObjectReference | None = None
    initiator_name: str | None = None


class FCVolumeSource(K8sModel):
    target_wwns: list[str] | None = Field(None, alias="targetWWNs")
    lun: int | None = None
    fs_type: str | None = None
    read_only: bool | None = None
    wwids: list[str] | None = None


class RBDVolumeSource(K8sModel):
    monitors: list[str]
    image: str
    fs_type: str | None = None
    pool: str | None = None
    user: str | None = None
    keyring: str | None = None
    secret_ref: LocalObjectReference | None = None
    read_only: bool | None = None


class CephFSVolumeSource(K8sModel):
    monitors: list[str]
    path: str | None = None
    user: str | None = None
    secret_file: str | None = None
    secret_ref: LocalObjectReference | None = None
    read_only: bool | None = None


class GlusterfsVolumeSource(K8sModel):
    endpoints: str
    path: str
    read_only: bool | None = None


class QuobyteVolumeSource(K8sModel):
    registry: str
    volume: str
    read_only: bool | None = None
    user: str | None = None
    group: str | None = None
    tenant: str | None = None


class FlockerVolumeSource(K8sModel):
    dataset_name: str | None = None
    dataset_uuid: str | None = Field(None, alias="datasetUUID")


# Cloud and vendor disks (most are redirected to CSI drivers today) ----------------------------------------
class AWSElasticBlockStoreVolumeSource(K8sModel):
    volume_id: str = Field(alias="volumeID")
    fs_type: str | None = None
    partition: int | None = None
    read_only: bool | None = None


class GCEPersistentDiskVolumeSource(K8sModel):
    pd_name: str
    fs_type: str | None = None
    partition: int | None = None
    read_only: bool | None = None


class AzureDiskVolumeSource(K8sModel):
    disk_name: str
    disk_uri: str = Field(alias="diskURI")
    caching_mode: str | None = None  # None, ReadOnly, ReadWrite
    fs_type: str | None = None
    read_only: bool | None = None
    kind: str | None = None  # Shared, Dedicated, Managed


class AzureFileVolumeSource(K8sModel):
    secret_name: str
    share_name: str
    read_only: bool | None = None


class CinderVolumeSource(K8sModel):
    volume_id: str = Field(alias="volumeID")
    fs_type: str | None = None
    read_only: bool | None = None
    secret_ref: LocalObjectReference | None = None


class VsphereVirtualDiskVolumeSource(K8sModel):
    volume_path: str
    fs_type: str | None = None
    storage_policy_name: str | None = None
    storage_policy_id: str | None = Field(None, alias="storagePolicyID")


class PhotonPersistentDiskVolumeSource(K8sModel):
    pd_id: str = Field(alias="pdID")
    fs_type: str | None = None


class PortworxVolumeSource(K8sModel):
    volume_id: str = Field(alias="volumeID")
    fs_type: str | None = None
    read_only: bool | None = None


class ScaleIOVolumeSource(K8sModel):
    gateway: str
    system: str
    secret_ref: LocalObjectReference
    ssl_enabled: bool | None = None
    protection_domain: str | None = None
    storage_pool: str | None = None
    storage_mode: str | None = None  # ThickProvisioned or ThinProvisioned
    volume_name: str | None = None
    fs_type: str | None = None
    read_only: bool | None = None


class StorageOSVolumeSource(K8sModel):
    volume_name: str | None = None
    volume_namespace: str | None = None
    fs_type: str | None = None
    read_only: bool | None = None
    secret_ref: LocalObjectReference | None = None


# The volume -----------------------------------------------------------------------------------------------
class Volume(K8sModel):
    """A named volume of a pod. Kubernetes allows one source; none at all means an emptyDir."""

    name: str
    aws_elastic_block_store: AWSElasticBlockStoreVolumeSource | None = None
    azure_disk: AzureDiskVolumeSource | None = None
    azure_file: AzureFileVolumeSource | None = None
    cephfs: CephFSVolumeSource | None = None
    cinder: CinderVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    csi: CSIVolumeSource | None = None
    downward_api: DownwardAPIVolumeSource | None = Field(None, alias="downwardAPI")
    empty_dir: EmptyDirVolumeSource | None = None
    ephemeral: EphemeralVolumeSource | None = None
    fc: FCVolumeSource | None = None
    flex_volume: FlexVolumeSource | None = None
    flocker: FlockerVolumeSource | None = None
    gce_persistent_disk: GCEPersistentDiskVolumeSource | None = None
    git_repo: GitRepoVolumeSource | None = None
    glusterfs: GlusterfsVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None
    image: ImageVolumeSource | None = None
    iscsi: ISCSIVolumeSource | None = None
    nfs: NFSVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None
    photon_persistent_disk: PhotonPersistentDiskVolumeSource | None = None
    portworx_volume: PortworxVolumeSource | None = None
    projected: ProjectedVolumeSource | None = None
    quobyte: QuobyteVolumeSource | None = None
    rbd: RBDVolumeSource | None = None
    scale_io: ScaleIOVolumeSource | None = Field(None, alias="scaleIO")
    secret: SecretVolumeSource | None = None
    storageos: StorageOSVolumeSource | None = None
    vsphere_volume: VsphereVirtualDiskVolumeSource | None = None
