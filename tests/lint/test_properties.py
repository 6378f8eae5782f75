"""Properties: limit-below-request agrees with exact quantity arithmetic whatever the spelling, and
suspicious-memory-unit never fires on a value written with a binary unit."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lint.helpers import lint_paths, triples

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      securityContext: {{runAsNonRoot: true}}
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {{cpu: "{request}", memory: {memory}}}
            limits: {{cpu: "{limit}", memory: 1Gi}}
          readinessProbe: {{tcpSocket: {{port: 80}}}}
          livenessProbe: {{tcpSocket: {{port: 80}}}}
"""


def spellings(millicores: int) -> st.SearchStrategy[str]:
    """Ways to write a cpu amount: millicores, decimal cores, exponent."""
    cores = Fraction(millicores, 1000)
    options = [f"{millicores}m", f"{millicores}e-3"]
    if cores.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000):
        options.append(f"{float(cores):g}")
    return st.sampled_from(options)


cpu_pair = st.tuples(st.integers(1, 64_000), st.integers(1, 64_000)).flatmap(
    lambda pair: st.tuples(st.just(pair), spellings(pair[0]), spellings(pair[1]))
)


@settings(max_examples=40, deadline=None)
@given(cpu_pair, st.sampled_from(["128Mi", "1Gi", "512Ki", "64Mi"]))
def test_limit_below_request_is_exact(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[tuple[int, int], str, str], memory: str
) -> None:
    (request_m, limit_m), request, limit = case
    path = tmp_path_factory.mktemp("p") / "d.yaml"
    path.write_text(DEPLOYMENT.format(request=request, limit=limit, memory=memory))
    found = triples(lint_paths(path, nodes=False).problems)
    assert ((14, 29, "MK102") in found) == (limit_m < request_m), (request, limit)
    assert not [t for t in found if t[2] == "MK107"]
