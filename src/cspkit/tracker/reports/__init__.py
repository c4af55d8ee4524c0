"""Progress reports for partnership meetings: build from a plan, write DOCX, PDF and HTML."""
