"""The default file names, shared by the library and the `csp` command.

Kept in a module that imports nothing, so that ``csp --help`` can show them as the options'
defaults without loading the warehouse (Ibis, DuckDB) or the configuration's models.
"""

DEFAULT_WAREHOUSE = "csp.duckdb"
"""The warehouse file when none is named (``--warehouse``)."""

DEFAULT_CONFIG_FILE = "csp.toml"
"""The configuration file `csp init` writes when not told otherwise."""
