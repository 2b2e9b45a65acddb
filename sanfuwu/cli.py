"""The `sanfuwu` console script: Django's management commands under the product's name.

On a fresh install, before the database is built, a command that needs it says so in one line
with the command to run, rather than ending in a traceback (or in Django's English warning about
unapplied migrations): such commands are checked before they start, and any other command is
checked once the database refuses it.
"""

import os
import sys

# Commands that need no built database, or that build it themselves (`demo` migrates first).
WITHOUT_DATABASE = {
    "", "help", "version", "--version", "-h", "--help",
    "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration",
    "check", "shell", "dbshell", "diffsettings", "test", "inspectdb",
    "collectstatic", "findstatic", "compilemessages", "makemessages", "startapp", "startproject",
    "demo", "template", "workdays", "restore",
}  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfuwu.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    asks_help = "-h" in sys.argv[2:] or "--help" in sys.argv[2:]
    # Rebuilding the shipped model reads the corpus only.
    shipped = command == "triage" and "--shipped" in sys.argv[2:]
    if command not in WITHOUT_DATABASE and not asks_help and not shipped:
        django.setup()
        from django.core.management import get_commands

        if command in get_commands():  # an unknown name is Django's to answer
            _stop_if_unbuilt()
    try:
        execute_from_command_line(sys.argv)
    except DatabaseError:
        _stop_if_unbuilt()
        raise


def _stop_if_unbuilt() -> None:
    from sanfuwu.core.dbstate import database_problem

    problem = database_problem()
    if problem is not None:
        sys.stderr.write(problem + "\n")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
