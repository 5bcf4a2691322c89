#!/usr/bin/env python3
"""A PurposePath-style realtime backend (seed 004) with no Herald hub: one server-sent events stream.

Python 3 standard library only. Subcommands:
  serve   GET /realtime/stream: every goal's activity as SSE (`id:`, `event:`, JSON `data:`), replaying
          what came after a reconnecting client's Last-Event-ID; POST /goals/<goal_id>/events stores and
          streams one event; GET /healthz. Events are kept in a JSON-lines file (--data), as a database
          would keep them, so a restarted server goes on numbering and can still replay.
  run     drives one goal through its lifecycle against a running server (what the app's workers would do).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HEARTBEAT_S = 15.0  # a comment line this often keeps proxies from closing an idle stream
GOAL_PATH = re.compile(r"^/goals/([A-Za-z0-9_.-]{1,100})/events$")
TYPE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


class EventStore:
    """Every event with a tenant-wide id 1, 2, 3..., appended to a JSON-lines file, and a condition that
    wakes every open stream when one is added."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.events: list[dict] = []
        self.changed = threading.Condition()
        if path:
            try:
                with open(path, encoding="utf-8") as f:
                    self.events = [json.loads(line) for line in f if line.strip()]
            except FileNotFoundError:
                pass

    def add(self, type_: str, data: dict) -> dict:
        with self.changed:
            event = {
                "id": len(self.events) + 1,
                "type": type_,
                "data": data,
                "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            }
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(event) + "\n")
            self.events.append(event)
            self.changed.notify_all()
            return event

    def after(self, last_id: int, timeout: float) -> list[dict]:
        """The events after `last_id`, waiting up to `timeout` seconds for one when there are none yet."""
        with self.changed:
            if len(self.events) <= last_id:
                self.changed.wait(timeout)
            return self.events[last_id:]


def sse(event: dict) -> bytes:
    data = dict(event["data"], ts=event["ts"])
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {json.dumps(data)}\n\n".encode()


def make_handler(store: EventStore, origins: set[str]):
    class Handler(BaseHTTPRequestHandler):
        server_version = "purposepath-sse/1"

        def log_message(self, fmt: str, *args) -> None:  # quiet: one line per stream is enough
            pass

        def cors(self) -> None:
            origin = self.headers.get("Origin")
            if origin and ("*" in origins or origin in origins):
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")

        def reply(self, status: int, body: dict | None = None) -> None:
            raw = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.cors()
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_OPTIONS(self) -> None:
            # A reconnecting fetch sends Last-Event-ID, which is not a CORS-safelisted header: the browser
            # asks first. (Add "authorization" here when the stream takes a bearer token.)
            self.send_response(204)
            self.cors()
            self.send_header("Access-Control-Allow-Methods", "GET")
            self.send_header("Access-Control-Allow-Headers", "last-event-id")
            self.send_header("Access-Control-Max-Age", "600")
            self.end_headers()

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/healthz":
                return self.reply(200, {"ok": True, "events": len(store.events)})
            if path != "/realtime/stream":
                return self.reply(404, {"error": "not found"})
            header = self.headers.get("Last-Event-ID", "").strip()
            last = int(header) if header.isdigit() else 0
            self.send_response(200)
            self.cors()
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            print(f"stream opened, Last-Event-ID {header or '(none)'}", flush=True)
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                while True:
                    events = store.after(last, HEARTBEAT_S)
                    self.wfile.write(b"".join(sse(e) for e in events) or b": ping\n\n")
                    self.wfile.flush()
                    if events:
                        last = events[-1]["id"]
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away

        def do_POST(self) -> None:
            match = GOAL_PATH.match(urlsplit(self.path).path)
            if not match:
                return self.reply(404, {"error": "not found"})
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            except (ValueError, json.JSONDecodeError):
                return self.reply(400, {"error": "body is not JSON"})
            type_, data = body.get("type"), body.get("data", {})
            if not isinstance(type_, str) or not TYPE.match(type_) or not isinstance(data, dict):
                return self.reply(400, {"error": "want {type: 'goal.created', data: {...}}"})
            event = store.add(type_, dict(data, goal_id=match.group(1)))
            self.reply(201, {"id": event["id"]})

    return Handler


def serve(args: argparse.Namespace) -> None:
    store = EventStore(args.data)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(store, set(args.allow_origin)))
    server.daemon_threads = True  # open streams must not keep a stopping server alive
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port} ({len(store.events)} events stored)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# One goal's lifecycle: activated, three actions that make progress and complete, then the goal itself.
ACTIONS = [("a1", "Draft the Q3 hiring plan"), ("a2", "Review budget with finance"), ("a3", "Publish roles")]


def goal_script(goal_id: str) -> list[tuple[str, dict]]:
    steps: list[tuple[str, dict]] = [("goal.activated", {"title": f"Goal {goal_id}: grow the team", "status": "active"})]
    for action_id, title in ACTIONS:
        steps.append(("action.created", {"action_id": action_id, "title": title, "priority": "high"}))
        for progress in (50, 100):
            steps.append(("action.progress_updated", {"action_id": action_id, "progress": progress}))
        steps.append(("action.completed", {"action_id": action_id, "status": "completed"}))
    steps.append(("goal.completed", {"status": "completed"}))
    return steps


def run(args: argparse.Namespace) -> None:
    steps = goal_script(args.goal_id)
    for type_, data in steps:
        req = urllib.request.Request(
            f"{args.url.rstrip('/')}/goals/{args.goal_id}/events",
            data=json.dumps({"type": type_, "data": data}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as res:
            if res.status != 201:
                sys.exit(f"POST answered {res.status}")
        time.sleep(args.delay)
    print(f"goal {args.goal_id}: {len(steps)} events", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the SSE stream")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--data", default="events.jsonl", help="JSON-lines file the events are kept in")
    s.add_argument(
        "--allow-origin",
        action="append",
        default=None,
        help="a page origin allowed by CORS (repeatable; '*' for any). Default: Vite's dev and preview origins",
    )
    r = sub.add_parser("run", help="drive one goal through its lifecycle")
    r.add_argument("goal_id")
    r.add_argument("--url", default="http://127.0.0.1:8000")
    r.add_argument("--delay", type=float, default=0.3, help="seconds between events")
    args = parser.parse_args()
    if args.command == "serve":
        if args.allow_origin is None:
            args.allow_origin = [f"http://{h}:{p}" for h in ("localhost", "127.0.0.1") for p in (5173, 4173)]
        serve(args)
    else:
        if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", args.goal_id):
            sys.exit("goal id: letters, digits, _ . - only")
        run(args)


if __name__ == "__main__":
    main()
