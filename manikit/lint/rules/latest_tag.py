"""An image with the `latest` tag or no tag at all.

## What it does
Flags a container image that ends in `:latest` or has no tag (`nginx`, which means `nginx:latest`).
An image pinned by digest (`nginx@sha256:...`) is fine.

## Why it matters
`latest` moves: two nodes can run different code under the same manifest, a rollback rolls back to
nothing, and the image is pulled on every start (`imagePullPolicy` defaults to Always).

## Example
```yaml
image: nginx          # or nginx:latest
```

## Fix
Pin a version tag (`nginx:1.27.2`) or a digest.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK301"
NAME = "latest-tag"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def image_tag(image: str) -> str | None:
    """The tag of an image reference; None when untagged; "" when pinned by digest."""
    if "@" in image:
        return ""
    last = image.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else None


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        image = at.container.image
        if not image:
            continue
        tag = image_tag(image)
        if tag is None:
            yield Finding(
                (*at.path, "image"),
                f'{container_label(at)}: image "{image}" has no tag, which means latest',
                "pin a version tag or a digest",
            )
        elif tag == "latest":
            yield Finding(
                (*at.path, "image"),
                f'{container_label(at)}: image "{image}" uses the latest tag',
                "pin a version tag or a digest",
            )
