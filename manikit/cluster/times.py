"""The cluster's time as Kubernetes writes and kubectl shows it: RFC3339 stamps, durations, ages."""

from __future__ import annotations

from manikit.runtime.clock import format_duration, human_age, parse_duration, parse_time, rfc3339

__all__ = ["format_duration", "human_age", "parse_duration", "parse_time", "rfc3339"]
