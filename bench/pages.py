"""Every page of bench.http timed in process, one request at a time, on the database already built
(run bench.http once first): milliseconds, queries, SQL time and where the Python time goes. For
working on a page between HTTP runs.

    SANFUWU_DATABASE_URL=… .venv/bin/python -m bench.pages [scenario …]
"""

from __future__ import annotations

import sys

from bench import http
from bench.profile import profile


def main() -> None:
    wanted = set(sys.argv[1:])
    for s in http.scenarios():
        if s.name.startswith("floor") or (wanted and s.name not in wanted):
            continue
        p = profile(s.who, s.method, s.path, s.body)
        parts = ", ".join(f"{k.split(' ')[0]} {v:.0%}" for k, v in list(p.parts.items())[:4])
        print(
            f"{s.name:<24} {p.ms:>7.1f} ms  {len(p.queries):>3} queries  SQL {p.sql_ms:>6.1f} ms  {parts}",
            flush=True,
        )


if __name__ == "__main__":
    main()
