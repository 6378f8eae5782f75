"""Plan: desired manifests against the recorded state, as frozen data."""
