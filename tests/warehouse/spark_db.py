"""A Spark database of its own for one test, with the warehouse schema in it."""

from __future__ import annotations

from cspkit.warehouse import ensure_schema


def new_spark_database(spark_session, request):
    """(session, database name, Ibis connection): a new session on ``spark_session`` with a
    fresh database named after the test, the warehouse tables created in it. Drop it with
    ``session.sql(f"DROP DATABASE IF EXISTS {name} CASCADE")``."""
    import ibis

    session = spark_session.newSession()
    name = f"t_{request.node.name.split('[')[0][-20:]}".lower()
    session.sql(f"DROP DATABASE IF EXISTS {name} CASCADE")
    session.sql(f"CREATE DATABASE {name}")
    session.catalog.setCurrentDatabase(name)
    con = ibis.pyspark.connect(session)
    ensure_schema(con)
    return session, name, con
