"""Writes. Each service checks who is acting, validates, saves and leaves history."""
