"""Settings: ``base`` plus one small module per environment (local, production, test)."""
