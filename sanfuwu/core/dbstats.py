"""The query planner's statistics. PostgreSQL's autovacuum keeps them; SQLite keeps none until
ANALYZE runs, and without them it may walk a large index where a small partial one (the overdue
scan's) would answer at once."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

# Rows sampled per index: approximate statistics in well under a second, even at a million issues.
SAMPLED_ROWS = 1000


def database_analyze(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Refresh SQLite's statistics; True when it did (nothing to do on PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SAMPLED_ROWS}")
        cursor.execute("ANALYZE")
    return True
