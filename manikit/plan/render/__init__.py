"""Rendering a Plan: text (terraform-like), JSON (versioned), Markdown (PR comments)."""
