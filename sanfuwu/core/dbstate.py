"""Whether the database is there and built, said in one sentence with the command that fixes it:
the command line of a fresh install answers with that instead of a traceback."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

BUILD = "sanfuwu migrate"


def database_problem(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when the database answers and every migration is applied; else what to do."""
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[using]
    name = connection.settings_dict.get("NAME")
    try:
        connection.ensure_connection()
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "does not exist" in reason:  # PostgreSQL: database "sanfuwu" does not exist
            return _(
                "数据库 %(name)s 不存在：请先创建该数据库（如 createdb %(name)s），再运行：%(build)s"
            ) % {
                "name": name,
                "build": BUILD,
            }
        return _("无法连接数据库（%(reason)s）：请检查 SANFUWU_DATABASE_URL，再运行：%(build)s") % {
            "reason": reason,
            "build": BUILD,
        }
    try:
        executor = MigrationExecutor(connection)
        applied = executor.loader.applied_migrations
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return None  # the database answers; whatever failed is not about its being built
    if not applied:
        return _("数据库尚未建立，请先运行：%(build)s（或 make demo）") % {"build": BUILD}
    if plan:
        return _("数据库结构不是最新的，请先运行：%(build)s") % {"build": BUILD}
    return None


def tables_built(using: str = DEFAULT_DB_ALIAS) -> bool:
    return database_problem(using) is None
