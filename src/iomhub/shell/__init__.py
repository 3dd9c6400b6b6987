"""The web shell: the top layer, above every domain app (ADR 0032)."""
