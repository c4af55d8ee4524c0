"""Thin views: validate a form, call one service or selector, render or redirect."""
