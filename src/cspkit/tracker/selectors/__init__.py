"""Reads. Every selector is told who is asking and refuses people who may not read."""
