"""A Herald backend in Python's standard library only: mint connection tokens, publish events over HTTP.

This is the shape of MeatyMusic's FastAPI ``EventPublisher`` (seed 000) pointed at a Herald hub: each
workflow node publishes ``node.start`` and ``node.end`` (with ``duration_ms``, ``metrics``, ``scores``,
``issues`` and ``artifacts``) on the run's channel ``run:<id>``. Every event id is derived from the run,
node, attempt and phase, so a retried publish, or a whole re-run, is stored once by the hub.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable, Optional


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _part(obj: Any) -> str:
    return _b64url(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def mint_herald_token(
    secret: str,
    sub: str,
    sub_channels: Iterable[str],
    pub_channels: Iterable[str] = (),
    ttl_seconds: int = 600,
) -> str:
    """An HS256 connection token for the Herald hub (docs/tokens.md)."""
    if not secret:
        raise ValueError("mint_herald_token: the hub secret (HERALD_JWT_SECRET) is empty")
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "sub": sub,
        "iat": now,
        "exp": now + ttl_seconds,
        "sub_channels": list(sub_channels),
        "pub_channels": list(pub_channels),
    }
    signing_input = _part(header) + "." + _part(claims)
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(signature)


class PublishError(Exception):
    """The hub refused a publish for good (a 4xx other than 429)."""

    def __init__(self, message: str, status: int, code: Optional[str]) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class HeraldPublisher:
    """Publishes to ``POST /v1/channels/{channel}/events``; retries 429, 5xx and network errors with the same id."""

    def __init__(self, url: str, key: Optional[str] = None, retries: int = 5, timeout: float = 5.0) -> None:
        self.base = url.rstrip("/")
        self.key = key
        self.retries = retries
        self.timeout = timeout

    def _request(self, method: str, path: str, body: Any = None, token: Optional[str] = None) -> Any:
        headers = {"content-type": "application/json"}
        bearer = token or self.key
        if bearer:
            headers["authorization"] = "Bearer " + bearer
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def publish(self, channel: str, event_type: str, data: Any, event_id: str) -> dict:
        """Publishes one event; returns the hub's ack ``{id, seq, duplicate?}``."""
        path = "/v1/channels/" + urllib.parse.quote(channel, safe="") + "/events"
        body = {"type": event_type, "data": data, "id": event_id}
        for attempt in range(self.retries + 1):
            retry_after = 0.0
            try:
                return self._request("POST", path, body)["events"][0]
            except urllib.error.HTTPError as err:
                text = err.read().decode("utf-8", "replace")
                if err.code != 429 and err.code < 500:
                    try:
                        code = json.loads(text).get("error", {}).get("code")
                    except ValueError:
                        code = None
                    raise PublishError(f"publish to {channel}: HTTP {err.code} {text}", err.code, code) from None
                retry_after = float(err.headers.get("retry-after") or 0)
                if attempt == self.retries:
                    raise
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt == self.retries:
                    raise
            time.sleep(max(retry_after, min(0.2 * 2**attempt, 5.0)))
        raise AssertionError("unreachable")

    def history(self, channel: str, after: int = 0, token: Optional[str] = None) -> dict:
        """The channel's events after ``after`` (``GET /v1/channels/{channel}/events``), with a key or a token."""
        path = "/v1/channels/" + urllib.parse.quote(channel, safe="") + f"/events?after={after}&limit=1000"
        return self._request("GET", path, token=token)


class EventPublisher:
    """Seed 000's workflow EventPublisher: one instance per run, one call per node phase."""

    def __init__(self, herald: HeraldPublisher, run_id: str) -> None:
        self.herald = herald
        self.run_id = run_id
        self.channel = "run:" + run_id
        self._attempts: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self.acks: list[dict] = []

    def _emit(self, event_type: str, suffix: str, data: dict) -> dict:
        ack = self.herald.publish(self.channel, event_type, {"run_id": self.run_id, **data}, f"{self.run_id}:{suffix}")
        self.acks.append(ack)
        return ack

    def run_started(self, nodes: list[str]) -> dict:
        return self._emit("run.started", "run:started", {"nodes": nodes})

    def node_start(self, node: str) -> dict:
        attempt = self._attempts.get(node, 0) + 1
        self._attempts[node] = attempt
        self._started[node] = time.monotonic()
        return self._emit("node.start", f"{node}:{attempt}:start", {"node": node, "phase": "start", "attempt": attempt})

    def node_end(
        self,
        node: str,
        duration_ms: Optional[int] = None,
        metrics: Optional[dict] = None,
        scores: Optional[dict] = None,
        issues: Optional[list] = None,
        artifacts: Optional[dict] = None,
    ) -> dict:
        attempt = self._attempts.get(node, 1)
        if duration_ms is None:
            duration_ms = int((time.monotonic() - self._started.get(node, time.monotonic())) * 1000)
        data: dict[str, Any] = {
            "node": node,
            "phase": "end",
            "attempt": attempt,
            "duration_ms": duration_ms,
            "metrics": metrics or {},
            "issues": issues or [],
        }
        if scores:
            data["scores"] = scores
        if artifacts:
            data["artifacts"] = artifacts
        return self._emit("node.end", f"{node}:{attempt}:end", data)

    def node_fail(self, node: str, error: str, code: str = "node_failed") -> dict:
        attempt = self._attempts.get(node, 1)
        return self._emit("node.fail", f"{node}:{attempt}:fail", {"node": node, "phase": "fail", "attempt": attempt, "error": error, "code": code})

    def run_completed(self, status: str = "succeeded", duration_ms: Optional[int] = None) -> dict:
        data: dict[str, Any] = {"status": status}
        if duration_ms is not None:
            data["duration_ms"] = duration_ms
        return self._emit("run.completed", "run:completed", data)
