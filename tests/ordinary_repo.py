"""An ordinary repository as users have them: a workflow, a compose file, package.json, a Helm chart,
jinja2 templates, manifests, vendored files excluded by .manikit.yaml. Several tests lint it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES

FILES = {
    ".github/workflows/ci.yml": """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
""",
    "docker-compose.yml": """\
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
""",
    "package.json": '{"name": "shop", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
    "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
    "mkdocs.yml": "site_name: shop\nnav:\n  - Home: index.md\n",
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "charts/web/values.yaml": "replicaCount: 2\nimage: {repository: nginx, tag: '1.27'}\n",
    "charts/web/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  {{- with .Values.selector }}
  selector: {{ toYaml . | nindent 4 }}
  {{- end }}
""",
    "charts/web/templates/_helpers.tpl": '{{- define "web.fullname" -}}{{ .Release.Name }}{{- end }}\n',
    ".manikit.yaml": "exclude: ['vendor/*']\n",
    "vendor/broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: 3}\n",
}


def make_ordinary_repo(root: Path) -> Path:
    """The repository under ``root``: manifests in deploy/ (examples/app), templates in templated/."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(EXAMPLES / "app", root / "deploy")
    shutil.copytree(EXAMPLES / "templated", root / "templated")
    return root


#: Files that are YAML or JSON but not Kubernetes, as manikit names them (relative to the repo root).
NOT_MANIFESTS = (
    ".github/workflows/ci.yml",
    "docker-compose.yml",
    "mkdocs.yml",
    "package.json",
    "tsconfig.json",
)
