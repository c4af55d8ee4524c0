"""Strategic assessment analyses: warehouse tables in, typed results out. No formatting."""
