"""What a client needs to trust and reach the server: a CA, a server certificate, a token, a kubeconfig.

All generated on each start (the ``cryptography`` library) into a directory of files with mode 0600,
and written into a kubeconfig whose context is ``manikit``. kubectl sends a bearer token only over
TLS, so plain http (loopback only, on request) carries no credentials at all.
"""

from __future__ import annotations

import base64
import contextlib
import io
import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from ruamel.yaml import YAML

CONTEXT = "manikit"
VALIDITY = timedelta(days=365)


@dataclass(frozen=True)
class Credentials:
    """Where the server's key material lives, and the token clients must send."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    token: str


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _private_write(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, never leaving it readable by others even for a moment, and
    never half-written: a reader (kubectl, a test waiting for the kubeconfig) sees the old file or the
    whole new one, as the data is written to a private file beside it and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _san(host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        names.append(x509.DNSName(host))
    return list(dict.fromkeys(names))


def generate(directory: Path, host: str) -> Credentials:
    """A fresh CA, a server certificate for ``host`` (and localhost) signed by it, and a token."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    ca_key, server_key = _key(), _key()
    ca_name = _name("manikit-ca")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("manikit-apiserver"))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_san(host)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    creds = Credentials(directory / "ca.crt", directory / "server.crt", directory / "server.key", "")
    _private_write(creds.ca_cert, ca.public_bytes(pem))
    _private_write(creds.server_cert, server.public_bytes(pem))
    _private_write(
        creds.server_key,
        server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    return Credentials(creds.ca_cert, creds.server_cert, creds.server_key, secrets.token_urlsafe(32))


def write_kubeconfig(path: Path, url: str, creds: Credentials | None) -> None:
    """A kubeconfig with one cluster, user and context, all named ``manikit``; mode 0600."""
    cluster: dict[str, str] = {"server": url}
    user: dict[str, str] = {}
    if creds is not None:
        cluster["certificate-authority-data"] = base64.b64encode(creds.ca_cert.read_bytes()).decode()
        user["token"] = creds.token
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": cluster}],
        "users": [{"name": CONTEXT, "user": user}],
        "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT}}],
        "current-context": CONTEXT,
        "preferences": {},
    }
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.dump(config, out)
    _private_write(path, out.getvalue().encode())
