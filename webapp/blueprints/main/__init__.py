"""Landing page and the per-role dashboard."""
