"""Privacy: pseudonymisation before data is shared, and disclosure control before publishing.

``pseudonymise`` is run by the data owner, never by the partnership: it replaces the people
in an export by keyed hashes. ``disclosure`` suppresses small numbers in published tables.
"""
