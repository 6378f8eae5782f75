"""The images each node holds, as the kubelet's image manager knows them: when each became (or
becomes) available there, kept in a store note per node and read and written once a pass."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from manikit.runtime.clock import parse_time, rfc3339
from manikit.runtime.controllers.behaviour import behaviour
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

IMAGES_TOPIC = "node-images"


class Images:
    """Each node's images and when each became (or becomes) available."""

    def __init__(self, ctx: PassContext) -> None:
        self._ctx = ctx
        self._nodes: dict[str, dict[str, str]] = {}
        self._changed: set[str] = set()

    def of(self, node: str) -> dict[str, str]:
        if node not in self._nodes:
            self._nodes[node] = dict(self._ctx.api.store.get_note(IMAGES_TOPIC, node) or {})
        return self._nodes[node]

    def pull(self, pod: Body, container: dict[str, Any], now: datetime) -> tuple[datetime, int | None, bool]:
        """When the container's image is there, how long this pod's pull took (None: no pull), and
        whether that is the pod's own to remember (pulled under imagePullPolicy Always) rather than
        the node's (``shared``)."""
        node, image = pod["spec"]["nodeName"], container.get("image", "")
        held = self.of(node)
        policy = container.get("imagePullPolicy") or _default_policy(image)
        have = held.get(image)
        if policy == "Never" or (have is not None and policy != "Always"):
            ready = max(now, parse_time(have)) if have else now
            return ready, (int((ready - now).total_seconds()) if ready > now else None), False
        took = behaviour(pod, container["name"]).pull_time
        done = now + took
        if have is None or parse_time(have) > done:
            held[image] = rfc3339(done)
            self._changed.add(node)
        return done, int(took.total_seconds()), policy == "Always"

    def shared(self, pod: Body, container: dict[str, Any]) -> tuple[str | None, int | None]:
        """A pull the pod waits for on the node's images: its end, and how long it took the pod."""
        have = self.of(pod["spec"]["nodeName"]).get(container.get("image", ""))
        started = (pod.get("status") or {}).get("startTime")
        if have is None or not started or have <= started:
            return None, None
        return have, int((parse_time(have) - parse_time(started)).total_seconds())

    def save(self) -> bool:
        """Write the nodes' notes that changed; True when there were any."""
        for node in sorted(self._changed):
            self._ctx.api.store.put_note(IMAGES_TOPIC, node, self._nodes[node])
        return bool(self._changed)


def _default_policy(image: str) -> str:
    tail = image.rsplit("/", 1)[-1]
    return "Always" if ":" not in tail or tail.endswith(":latest") else "IfNotPresent"
