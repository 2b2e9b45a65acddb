"""A group robot on loopback for the tests: answers as scripted, remembers what it was sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Robot:
    url: str
    # (status, body) per request in turn; the last one repeats.
    script: list[tuple[int, str]] = field(default_factory=lambda: [(200, '{"errcode":0,"errmsg":"ok"}')])
    received: list[dict[str, object]] = field(default_factory=list)

    def bodies(self) -> list[dict[str, object]]:
        return [json.loads(str(r["body"])) for r in self.received]


@contextmanager
def robot_on_loopback(script: list[tuple[int, str]] | None = None) -> Iterator[Robot]:
    robot = Robot(url="")
    if script:
        robot.script = script

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            robot.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, answer = robot.script[min(len(robot.received), len(robot.script)) - 1]
            data = answer.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t0k"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robot
    finally:
        server.shutdown()
        server.server_close()
