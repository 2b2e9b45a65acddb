"""`sanfuwu serve --workers N`: gunicorn's processes for the web, the job queue beside them.

With the embedded queue (no SANFUWU_REDIS_URL), the processes are:

    sanfuwu serve          the job queue's threads (named sanfuwu-jobs), and nothing else
    └── gunicorn master    forked before any of those threads starts; binds the port
        ├── worker 1       each answers with --threads threads (gthread)
        └── worker N

The queue runs in exactly one process. Not in each worker, where every periodic job would run N
times; not in the master, whose every fork of a worker (at start, and again whenever one dies)
would copy into it a lock that a job's thread happens to hold. Signals sent to `sanfuwu serve`
(TERM, INT, QUIT, HUP, TTIN, TTOU) go on to the master, and serve ends when the master does; a
master whose serve is killed outright gets a TERM. With the queue in Redis, or --no-jobs, there
is no queue here: `sanfuwu serve` is the master itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication
from huey.consumer import Consumer

from sanfuwu.core.jobs import start_in_process

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTTIN, signal.SIGTTOU)
JOBS_THREAD_NAME = "sanfuwu-jobs"
_PR_SET_PDEATHSIG = 1
_LOG_LEVELS = {"debug", "info", "warning", "error", "critical"}


class WebServer(BaseApplication):
    """Gunicorn configured here, in code: neither a config file nor GUNICORN_CMD_ARGS is read."""

    def __init__(
        self, *, host: str, port: int, workers: int, threads: int, ready: Callable[[], None]
    ) -> None:
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower()
        self.options: dict[str, Any] = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            # Threads, as waitress has: a worker streaming a large export for minutes goes on
            # answering its other requests, and its heartbeat never counts it as hung.
            "worker_class": "gthread",
            "threads": threads,
            # The application is loaded once, in the master, and the workers share its memory.
            "preload_app": True,
            "when_ready": lambda arbiter: ready(),  # once the port is bound
            "pre_fork": _no_connection_across_fork,
            "proc_name": "sanfuwu",
            # The same level as the product's own log (SANFUWU_LOG_LEVEL).
            "loglevel": level if level in _LOG_LEVELS else "info",
            # Gunicorn's control socket is one path per user ($HOME/.gunicorn): two servers would
            # take it from each other.
            "control_socket_disable": True,
        }
        super().__init__(prog="sanfuwu serve")

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from sanfuwu.wsgi import application

        return application


def serve(server: WebServer, *, jobs: bool) -> int:
    """Serve until stopped; the exit code of the gunicorn master."""
    connections.close_all()
    if not jobs:
        return _run(server)
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    master = os.fork()
    if master == 0:  # the forked master, seen by the tests from outside
        _end_with_parent(parent)
        os._exit(_run(server))  # the workers, forked from here, end here too
    for signum in FORWARDED:
        signal.signal(signum, lambda signum, frame: _send(master, signum))
    running = start_in_process()
    name_threads(running, JOBS_THREAD_NAME)
    _, status = os.waitpid(master, 0)
    running.stop()
    return os.waitstatus_to_exitcode(status)


def name_threads(running: Consumer, name: str) -> None:
    """Name the queue's threads as `ps -L` and `top -H` show them (Linux: 15 characters)."""
    threads = [running.scheduler, *(thread for _, thread in running.worker_threads)]
    for thread in threads:
        with suppress(OSError):
            Path(f"/proc/self/task/{thread.native_id}/comm").write_text(name[:15])


def _run(server: WebServer) -> int:
    try:
        server.run()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def _no_connection_across_fork(arbiter: object, worker: object) -> None:
    # A connection inherited by a worker would share its socket (or its SQLite file's locks)
    # with the master and the other workers.
    connections.close_all()


def _end_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # gone before the line above took effect
        os._exit(1)


def _send(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signum)
