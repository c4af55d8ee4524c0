"""Partner exports (council ASB, fire, A&E, police extracts) loaded through a column mapping.

A mapping (TOML) says which column holds what; :func:`load_partner` reads CSV or Excel
exports with it and loads them with the warehouse's usual guarantees (idempotent, atomic,
rejected rows counted and written to a rejects file).
"""
