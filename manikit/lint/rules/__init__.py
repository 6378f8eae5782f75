"""One lint rule per module; the registry (``manikit.lint.registry``) lists them all explicitly."""
