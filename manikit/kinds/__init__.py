"""Kubernetes' rules, one module per kind, as the API server keeps them in its registry strategies:
validation on create and update, immutable and allocated fields, what a pod requests.

``registry`` is the face: validate, lint, admission and the planner call it and nothing else.
"""
