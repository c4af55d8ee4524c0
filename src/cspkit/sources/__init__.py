"""Readers for source file formats: recognise, read, validate, normalise. No statistics here."""
