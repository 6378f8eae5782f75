"""Typed models of the Kubernetes kinds manikit understands, their quantities, defaults and registry.

This package imports nothing else of manikit: every other layer builds on it.
"""
