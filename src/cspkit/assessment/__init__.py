"""Themes → chapters → findings → one Document."""
