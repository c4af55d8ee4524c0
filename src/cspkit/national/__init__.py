"""The national estate: every partnership at once (see docs/national.md)."""
