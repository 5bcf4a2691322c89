#!/usr/bin/env python3
"""Publish a MeatyMusic workflow run to a Herald hub, mint a token, or serve the token endpoint.

Configuration comes from the environment, as a deployed backend's would:
  HERALD_URL            the hub, default http://127.0.0.1:8080
  HERALD_PUBLISHER_KEY  a key the hub was started with (--publisher-key); omit for an open dev hub
  HERALD_JWT_SECRET     the hub's --jwt-secret, to mint connection tokens
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from herald_publisher import EventPublisher, HeraldPublisher, PublishError, mint_herald_token

NODES = ["PLAN", "STYLE", "LYRICS", "PRODUCER", "COMPOSE", "VALIDATE", "FIX", "RENDER", "REVIEW"]
# VALIDATE finds a weak hook the first time, FIX rewrites the chorus, VALIDATE passes: the FIX loop.
SCHEDULE = ["PLAN", "STYLE", "LYRICS", "PRODUCER", "COMPOSE", "VALIDATE", "FIX", "VALIDATE", "RENDER", "REVIEW"]


def node_outcome(node: str, attempt: int, run_id: str) -> dict:
    """What each node reports when it ends (deterministic, so a re-run publishes identical events)."""
    if node == "PLAN":
        return {"metrics": {"sections": 4}, "artifacts": {"plan": {"sections": ["intro", "verse", "chorus", "outro"]}}}
    if node == "STYLE":
        return {"metrics": {"tags": 3}, "artifacts": {"style": {"genre": "lo-fi", "bpm": 84, "key": "D major"}}}
    if node == "LYRICS":
        return {"metrics": {"lines": 16}, "scores": {"rhyme": 0.77}, "artifacts": {"lyrics": {"title": "Paper Moons", "lines": 16}}}
    if node == "PRODUCER":
        return {"metrics": {"tracks": 5}, "artifacts": {"arrangement": {"tracks": ["drums", "keys", "bass", "vox", "vinyl"]}}}
    if node == "COMPOSE":
        return {"metrics": {"tokens": 1410}, "artifacts": {"prompt": {"chars": 1410}}}
    if node == "VALIDATE" and attempt == 1:
        return {
            "metrics": {"checks": 12},
            "scores": {"hook": 0.61, "total": 0.7},
            "issues": [{"code": "weak_hook", "message": "Chorus hook scores below 0.7", "severity": "warning"}],
        }
    if node == "VALIDATE":
        return {"metrics": {"checks": 12}, "scores": {"hook": 0.84, "total": 0.88}}
    if node == "FIX":
        return {"metrics": {"edits": 2}, "artifacts": {"lyrics": {"title": "Paper Moons", "lines": 16, "revision": 2}}}
    if node == "RENDER":
        return {"metrics": {"seconds": 151}, "artifacts": {"audio": {"url": f"https://cdn.example.invalid/songs/{run_id}.mp3", "seconds": 151}}}
    if node == "REVIEW":
        return {"scores": {"final": 0.9}, "artifacts": {"review": {"approved": True}}}
    return {}


LYRICS = "Paper moons on a folding sky,\nink runs blue when the trains go by.\n"


def publish_run(herald: HeraldPublisher, run_id: str, delay: float = 0.0) -> EventPublisher:
    """Runs the simulated workflow, publishing as a real orchestrator would around each node; the LYRICS
    node streams its text word by word, as an LLM writes it."""
    events = EventPublisher(herald, run_id)
    events.run_started(NODES)
    attempts: dict[str, int] = {}
    total = 0
    for node in SCHEDULE:
        attempts[node] = attempts.get(node, 0) + 1
        attempt = attempts[node]
        events.node_start(node)
        if node == "LYRICS":
            tokens = re.findall(r"\S+\s*", LYRICS)
            for i, token in enumerate(tokens):
                events.output_token(node, "lyrics", i, token, round((i + 1) / len(tokens), 3))
        time.sleep(delay)
        duration_ms = 300 + (len(node) * 151 + attempt * 53) % 800  # deterministic
        total += duration_ms
        events.node_end(node, duration_ms=duration_ms, **node_outcome(node, attempt, run_id))
    events.run_completed("succeeded", duration_ms=total)
    return events


def serve_token(secret: str, port: int, channels: list[str]) -> None:
    """The getToken endpoint pattern: GET /token answers {"token": ...}, with CORS for browser apps."""

    class Handler(BaseHTTPRequestHandler):
        def _cors(self) -> None:
            self.send_header("access-control-allow-origin", "*")  # a real backend names its app's origin

        def do_OPTIONS(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(204)
            self._cors()
            self.send_header("access-control-allow-methods", "GET")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            if self.path.split("?")[0] != "/token":
                self.send_response(404)
                self._cors()
                self.end_headers()
                return
            # A real backend checks the user's session here and answers 401 when signed out.
            body = json.dumps({"token": mint_herald_token(secret, "demo-viewer", channels, ttl_seconds=300)}).encode()
            self.send_response(200)
            self._cors()
            self.send_header("content-type", "application/json")
            self.send_header("cache-control", "no-store")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"token server on http://127.0.0.1:{server.server_address[1]}/token", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="publisher.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="publish a MeatyMusic workflow run on run:RUN_ID")
    run.add_argument("run_id")
    run.add_argument("--delay", type=float, default=0.25, help="seconds each node runs (default 0.25)")
    tok = sub.add_parser("token", help="print a connection token")
    tok.add_argument("--sub", default="demo-viewer")
    tok.add_argument("--channel", action="append", help="channel pattern (repeat; default run:* generation:*)")
    srv = sub.add_parser("serve-token", help="serve GET /token for browsers (CORS)")
    srv.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8788")))
    srv.add_argument("--channel", action="append", help="channel pattern (repeat; default run:* generation:*)")
    args = parser.parse_args(argv)

    url = os.environ.get("HERALD_URL", "http://127.0.0.1:8080")
    key = os.environ.get("HERALD_PUBLISHER_KEY") or None
    secret = os.environ.get("HERALD_JWT_SECRET", "")
    channels = getattr(args, "channel", None) or ["run:*", "generation:*"]
    try:
        if args.command == "run":
            events = publish_run(HeraldPublisher(url, key), args.run_id, args.delay)
            duplicates = sum(1 for ack in events.acks if ack.get("duplicate"))
            print(f"published run:{args.run_id}: {len(events.acks)} events, {duplicates} already stored")
        elif args.command == "token":
            print(mint_herald_token(secret, args.sub, channels))
        elif args.command == "serve-token":
            if not secret:
                print("serve-token: set HERALD_JWT_SECRET to the hub secret", file=sys.stderr)
                return 2
            serve_token(secret, args.port, channels)
    except (PublishError, ValueError, OSError) as err:
        print(f"publisher.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
