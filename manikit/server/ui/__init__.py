"""The dashboard served at ``/ui`` by ``manikit serve``: server-rendered pages (one module each), a
little JavaScript for live updates, no build step and nothing fetched from elsewhere."""

from manikit.server.ui.site import mount_ui

__all__ = ["mount_ui"]
