"""Renderers: one Document to HTML, DOCX, PDF, XLSX and CSV. Never queries the warehouse."""
