"""Benchmark: what rendering templates adds to whole `manikit` processes, on N generated templates.

    python bench/render.py [--templates 1000] [--runs 3]

Writes N ``*.yaml.j2`` templates (a Deployment and a Service each, with loops, ``toyaml``, ``quote``,
``default`` and an imported macro) under a ``manikit.values.yaml``, and the same manifests pre-rendered
as plain YAML. Prints medians of whole processes (wall time, and CPU time, which other load on the
machine disturbs less): ``manikit render`` with a cold and a warm compiled-template cache, then
``validate`` and ``lint`` on the templates against the same commands on the plain YAML, and the share of
each command's CPU that rendering takes.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VALUES = """\
team: bench
registry: ghcr.io/acme
defaults:
  replicas: 2
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {memory: 256Mi}
"""

HELPERS = """\
{% macro labels(app) %}
app: {{ app }}
team: {{ team }}
{%- endmacro %}
"""

TEMPLATE = """\
{% import "_helpers.j2" as h with context %}
{% set app = "app-INDEX" %}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ app }}
  labels:
    {{ h.labels(app) | indent(4) }}
spec:
  replicas: {{ replicas | default(defaults.replicas) }}
  selector:
    matchLabels:
      app: {{ app }}
  template:
    metadata:
      labels:
        app: {{ app }}
    spec:
      containers:
{% for c in range(CONTAINERS) %}
        - name: c{{ c }}
          image: {{ registry }}/api:{{ "2.4." ~ c }}
          ports:
            - name: http{{ c }}
              containerPort: {{ 8080 + c }}
          env:
            - name: APP_ID
              value: {{ app | quote }}
          resources:
            {{ defaults.resources | toyaml }}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http{{ c }}
{% endfor %}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ app }}
  labels:
    {{ h.labels(app) | indent(4) }}
spec:
  selector:
    app: {{ app }}
  ports:
    - port: 80
      targetPort: http0
"""


def write_inputs(root: Path, count: int, env: dict[str, str], exe: str) -> tuple[Path, Path]:
    """The template tree and a directory of the same manifests rendered to plain YAML."""
    templates, plain = root / "templates", root / "plain"
    templates.mkdir()
    plain.mkdir()
    (templates / "manikit.values.yaml").write_text(VALUES)
    (templates / "_helpers.j2").write_text(HELPERS)
    rng = random.Random(1)
    for i in range(count):
        text = TEMPLATE.replace("INDEX", str(i)).replace("CONTAINERS", str(rng.randint(1, 3)))
        (templates / f"app{i:04d}.yaml.j2").write_text(text)
    rendered = subprocess.run(
        [exe, "render", str(templates)], capture_output=True, text=True, check=True, env=env
    )
    for i, section in enumerate(rendered.stdout.split("---\n# Source: ")[1:]):
        (plain / f"app{i:04d}.yaml").write_text(section.split("\n", 1)[1])
    return templates, plain


def timed(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of the process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:  # the generated manifests are clean: anything else is a failed run
            sys.exit(f"{' '.join(command[:2])} exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--templates", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("manikit"))
    root = Path(tempfile.mkdtemp(prefix="manikit-bench-render-"))
    try:
        cache = root / "cache"
        env = {**os.environ, "MANIKIT_CACHE_DIR": str(cache)}
        templates, plain = write_inputs(root, args.templates, {**env, "MANIKIT_CACHE_DIR": "off"}, exe)
        n = args.templates
        print(f"render: {n} templates (2 documents each); medians of {args.runs} whole processes, wall / CPU")
        start_wall, start_cpu = timed([exe, "--version"], args.runs, env)
        print(f"  start-up (manikit --version): {start_wall:.2f} s / {start_cpu:.2f} s")
        render = [exe, "render", str(templates)]
        cold = [
            timed(render, 1, {**env, "MANIKIT_CACHE_DIR": str(root / f"cold{i}")}) for i in range(args.runs)
        ]
        cold_wall, cold_cpu = statistics.median(c[0] for c in cold), statistics.median(c[1] for c in cold)
        timed(render, 1, env)  # fills the cache
        warm_wall, warm_cpu = timed(render, args.runs, env)
        for label, wall, cpu in (("cold", cold_wall, cold_cpu), ("warm", warm_wall, warm_cpu)):
            print(
                f"  manikit render, {label} template cache: {wall:.2f} s / {cpu:.2f} s = "
                f"{(cpu - start_cpu) / n * 1000:.2f} ms CPU per template after start-up"
            )
        for command in ("validate", "lint"):
            on_templates = timed([exe, command, "--quiet", str(templates)], args.runs, env)
            on_plain = timed([exe, command, "--quiet", str(plain)], args.runs, env)
            added = on_templates[1] - on_plain[1]
            print(
                f"  {command} (warm cache): {on_templates[0]:.2f} s / {on_templates[1]:.2f} s on templates, "
                f"{on_plain[0]:.2f} s / {on_plain[1]:.2f} s on the same plain YAML; rendering adds "
                f"{added:.2f} s CPU, {added / on_templates[1]:.0%} of the command's CPU"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
