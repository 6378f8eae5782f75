"""Realistic generated manifests for the benchmarks: Deployments, Services and Pods with 1-3
containers, spread over files of a few documents each, as application repositories hold them; or
all in one stream, as ``helm template`` and ``kustomize build`` print them (``--one-file``).

    python bench/generate.py OUT_DIR --resources 10000 [--seed 1] [--clean | --with-findings] [--one-file]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

IMAGES = ["nginx:1.25.3", "ghcr.io/acme/api:2.4.1", "redis:7.2.4", "envoyproxy/envoy:v1.30.1", "busybox:1.36"]


def _container(rng: random.Random, i: int, c: int, clean: bool) -> str:
    cpu = rng.choice(["100m", "250m", "500m", "1"])
    mem = rng.choice(["128Mi", "256Mi", "512Mi", "1Gi"])
    limit_mem = {"128Mi": "256Mi", "256Mi": "512Mi", "512Mi": "1Gi", "1Gi": "2Gi"}[mem]
    if not clean and rng.random() < 0.05:
        mem = "128mi"  # the classic typo, so lint has something to find
    port = 8080 + c
    return f"""      - name: c{c}
        image: {rng.choice(IMAGES)}
        ports:
        - name: http{c}
          containerPort: {port}
        env:
        - name: LOG_LEVEL
          value: info
        - name: APP_ID
          value: "app-{i}"
        resources:
          requests:
            cpu: {cpu}
            memory: {mem}
          limits:
            memory: {limit_mem}
        readinessProbe:
          httpGet:
            path: /ready
            port: {port}
        livenessProbe:
          httpGet:
            path: /live
            port: {port}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
"""


def _pod_spec(rng: random.Random, i: int, clean: bool) -> str:
    containers = "".join(_container(rng, i, c, clean) for c in range(rng.randint(1, 3)))
    return f"""      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
{containers}"""


def deployment(rng: random.Random, i: int, clean: bool) -> str:
    spec = _pod_spec(rng, i, clean).replace("\n      ", "\n      ")
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{i % 20}
  labels:
    app: app-{i}
spec:
  replicas: {rng.randint(1, 5)}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
{_indent(spec, 2)}"""


def service(i: int) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{i % 20}
spec:
  selector:
    app: app-{i}
  ports:
  - name: http
    port: 80
    targetPort: http0
"""


def pod(rng: random.Random, i: int, clean: bool) -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: job-{i}
  namespace: team-{i % 20}
  labels:
    app: job-{i}
  annotations:
    manikit.dev/ignore: naked-pod
spec:
{_indent(_pod_spec(rng, i, clean), -4)}"""


def _indent(text: str, by: int) -> str:
    lines = text.splitlines()
    if by >= 0:
        return "\n".join(" " * by + line if line else line for line in lines) + "\n"
    return "\n".join(line[-by:] for line in lines) + "\n"


def generate(out: Path, resources: int, seed: int = 1, clean: bool = True) -> list[Path]:
    """Write about ``resources`` documents to ``out``; returns the files written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    made, i = 0, 0
    while made < resources:
        docs = [deployment(rng, i, clean), service(i)]
        if rng.random() < 0.2:
            docs.append(pod(rng, i, clean))
        docs = docs[: resources - made]
        path = out / f"app-{i:05d}.yaml"
        path.write_text("---\n".join(docs), encoding="utf-8")
        files.append(path)
        made += len(docs)
        i += 1
    return files


def one_file(path: Path, resources: int = 10_000, seed: int = 1) -> Path:
    """One stream of ``resources`` documents: Deployments with 0 replicas and their Services, half each
    (the issue-17 case: 10,000 objects in one file)."""
    rng = random.Random(seed)
    docs: list[str] = []
    for i in range(resources // 2):
        docs.append(deployment(rng, i, clean=True).replace("  replicas: ", "  replicas: 0  # was ", 1))
        docs.append(service(i))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n".join(docs[:resources]), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-findings", action="store_true", help="sprinkle in typical mistakes")
    parser.add_argument("--one-file", action="store_true", help="one stream, OUT_DIR/all.yaml")
    args = parser.parse_args()
    if args.one_file:
        path = one_file(args.out / "all.yaml", args.resources, args.seed)
        print(f"wrote {args.resources} resources in one file, {path}")
        return
    files = generate(args.out, args.resources, args.seed, clean=not args.with_findings)
    print(f"wrote {args.resources} resources in {len(files)} files to {args.out}")


if __name__ == "__main__":
    main()
