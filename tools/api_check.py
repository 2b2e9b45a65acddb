"""`make api-check`: schemathesis against the running product. Builds a small demo district in a
directory of its own, makes a write token for the district's dispatcher, serves the product on a
free loopback port and lets schemathesis run every phase over /api/openapi.json: any 5xx, any
answer that breaks the schema, an undocumented status or a wrong content type fails the run.

One check is left out: positive_data_acceptance, which expects every request the schema admits
to succeed. Ours refuse some on purpose with a 400 at the field — a category id that is no
category, a dispatch without a department, a rating before the answer — because the schema says
the shape of a request and the workflow says whether it makes sense now."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
MAX_EXAMPLES = os.environ.get("API_CHECK_EXAMPLES", "40")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sanfuwu-api-check-") as tmp:
        env = {**os.environ, "SANFUWU_VAR_DIR": tmp}
        env.pop("SANFUWU_DATABASE_URL", None)  # its own SQLite district, whatever the shell points at
        sanfuwu = str(BIN / "sanfuwu")
        subprocess.run([sanfuwu, "demo", "--small"], env=env, check=True, stdout=subprocess.DEVNULL)
        token = subprocess.run(
            [sanfuwu, "token", "create", "dispatcher", "--scope", "write", "--days", "1", "--name", "api-check"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "serve.log").open("w")
        server = subprocess.Popen([sanfuwu, "serve", "--port", str(port), "--no-jobs"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/openapi.json", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print((Path(tmp) / "serve.log").read_text())
                        return 1
                    time.sleep(0.5)
            return subprocess.run([
                str(BIN / "schemathesis"), "run", f"{base}/api/openapi.json",
                "--header", f"Authorization: Bearer {token}",
                "--phases", "examples,coverage,fuzzing,stateful", "--checks", "all",
                "--exclude-checks", "positive_data_acceptance",
                "--max-examples", MAX_EXAMPLES, "--workers", "1", "--seed", "2026",
                "--generation-codec", "utf-8",
            ], env=env).returncode  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()


if __name__ == "__main__":
    sys.exit(main())
