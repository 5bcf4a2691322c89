"""A Herald backend in Python's standard library only: mint connection tokens, publish events over HTTP.

This is the shape of MeatyMusic's FastAPI ``EventPublisher`` (seed 000) pointed at a Herald hub: each
workflow node publishes ``node.start`` and ``node.end`` (with ``duration_ms``, ``metrics``, ``scores``,
``issues`` and ``artifacts``) on the run's channel ``run:<id>``. Every event id is derived from the run,
node, attempt and phase, so a retried publish, or a whole re-run, is stored once by the hub.

Each event also carries ``state``: operations (JSON Patch plus ``append`` and ``increment``) that the hub
applies to the channel's state document, written in Herald's job vocabulary (PROTOCOL.md, "Job
vocabulary"), so a page opened mid-run gets the whole run at once from ``GET /v1/channels/{c}/state``
and generic views (``<JobProgress>``, ``useJob``) show it. The ``job_*`` helpers below build them.
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


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z"


def _ptr(*keys: str) -> str:
    """A JSON Pointer from keys (``~`` and ``/`` escaped, RFC 6901)."""
    return "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in keys)


def _set(path: str, value: Any) -> dict:
    return {"op": "add", "path": path, "value": value}


def job_create(plan: list[str], metadata: Optional[dict] = None) -> list[dict]:
    """The job document, queued, with its planned steps (``jobOps.create`` in @herald/protocol)."""
    doc = {"status": "queued", "plan": list(plan), "steps": {}, "metadata": metadata or {}, "outputs": {}, "artifacts": {}, "createdAt": _now()}
    return [{"op": "replace", "path": "", "value": doc}]


def job_start() -> list[dict]:
    return [_set("/status", "running"), _set("/startedAt", _now())]


def job_step_start(step: str) -> list[dict]:
    """A step starts, or starts again: its ``attempt`` counts up (the FIX loop's second VALIDATE is 2)."""
    return [
        _set(_ptr("steps", step, "status"), "running"),
        {"op": "increment", "path": _ptr("steps", step, "attempt"), "value": 1},
        _set(_ptr("steps", step, "startedAt"), _now()),
        _set(_ptr("steps", step, "endedAt"), None),
        _set(_ptr("steps", step, "durationMs"), None),
        _set(_ptr("steps", step, "progress"), 0),
    ]


def job_step_progress(step: str, fraction: float) -> list[dict]:
    return [_set(_ptr("steps", step, "progress"), fraction)]


def job_step_end(step: str, status: str = "completed", duration_ms: Optional[int] = None, metadata: Optional[dict] = None) -> list[dict]:
    ops = [_set(_ptr("steps", step, "status"), status), _set(_ptr("steps", step, "endedAt"), _now())]
    if status == "completed":
        ops.append(_set(_ptr("steps", step, "progress"), 1))
    if duration_ms is not None:
        ops.append(_set(_ptr("steps", step, "durationMs"), duration_ms))
    if metadata is not None:
        ops.append(_set(_ptr("steps", step, "metadata"), metadata))
    return ops


def job_append(output: str, text: str) -> list[dict]:
    """Appends text to a named output (streamed LLM tokens); the hub creates it on first use."""
    return [{"op": "append", "path": _ptr("outputs", output), "value": text}]


def job_artifact(name: str, url: str, kind: Optional[str] = None, label: Optional[str] = None) -> list[dict]:
    artifact: dict[str, Any] = {"url": url}
    if kind:
        artifact["kind"] = kind
    if label:
        artifact["label"] = label
    return [_set(_ptr("artifacts", name), artifact)]


def job_metadata(key: str, value: Any) -> list[dict]:
    return [_set(_ptr("metadata", key), value)]


def job_complete(result: Any = None) -> list[dict]:
    return [_set("/status", "completed"), _set("/progress", 1), _set("/result", result), _set("/endedAt", _now())]


def job_fail(code: str, message: str, recoverable: bool) -> list[dict]:
    error = {"code": code, "message": message, "recoverable": recoverable}
    return [_set("/status", "failed"), _set("/error", error), _set("/endedAt", _now())]


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

    def publish(self, channel: str, event_type: str, data: Any, event_id: str, state: Optional[list[dict]] = None) -> dict:
        """Publishes one event (with state operations, if any); returns the hub's ack ``{id, seq, duplicate?}``."""
        path = "/v1/channels/" + urllib.parse.quote(channel, safe="") + "/events"
        body: dict[str, Any] = {"type": event_type, "data": data, "id": event_id}
        if state:
            body["state"] = state
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

    def state(self, channel: str, token: Optional[str] = None) -> dict:
        """The channel's state document ``{channel, epoch, seq, state}`` (``GET /v1/channels/{channel}/state``)."""
        return self._request("GET", "/v1/channels/" + urllib.parse.quote(channel, safe="") + "/state", token=token)


class EventPublisher:
    """Seed 000's workflow EventPublisher: one instance per run, one call per node phase."""

    def __init__(self, herald: HeraldPublisher, run_id: str) -> None:
        self.herald = herald
        self.run_id = run_id
        self.channel = "run:" + run_id
        self._attempts: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self.acks: list[dict] = []

    def _emit(self, event_type: str, suffix: str, data: dict, state: Optional[list[dict]] = None) -> dict:
        event_id = f"{self.run_id}:{suffix}"
        ack = self.herald.publish(self.channel, event_type, {"run_id": self.run_id, **data}, event_id, state)
        self.acks.append(ack)
        return ack

    def run_started(self, nodes: list[str]) -> dict:
        return self._emit("run.started", "run:started", {"nodes": nodes}, job_create(nodes, {"run_id": self.run_id}) + job_start())

    def node_start(self, node: str) -> dict:
        attempt = self._attempts.get(node, 0) + 1
        self._attempts[node] = attempt
        self._started[node] = time.monotonic()
        data = {"node": node, "phase": "start", "attempt": attempt}
        return self._emit("node.start", f"{node}:{attempt}:start", data, job_step_start(node))

    def output_token(self, node: str, output: str, index: int, text: str, progress: float) -> dict:
        """One streamed token of a node's text output (the LYRICS node's lyrics), appended to ``outputs/<output>``."""
        attempt = self._attempts.get(node, 1)
        data = {"node": node, "output": output, "index": index, "text": text}
        state = job_append(output, text) + job_step_progress(node, progress)
        return self._emit("lyrics.token", f"{node}:{attempt}:token:{index}", data, state)

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
        report = {"metrics": metrics or {}, "scores": scores or {}, "issues": issues or [], "artifacts": artifacts or {}}
        state = job_step_end(node, "completed", duration_ms, report)
        if scores:
            state += job_metadata("scores", scores)
        for name, artifact in (artifacts or {}).items():
            if isinstance(artifact, dict) and isinstance(artifact.get("url"), str):
                state += job_artifact(name, artifact["url"], label=f"{node} {name}")
        return self._emit("node.end", f"{node}:{attempt}:end", data, state)

    def node_fail(self, node: str, error: str, code: str = "node_failed") -> dict:
        attempt = self._attempts.get(node, 1)
        data = {"node": node, "phase": "fail", "attempt": attempt, "error": error, "code": code}
        return self._emit("node.fail", f"{node}:{attempt}:fail", data, job_step_end(node, "failed"))

    def run_completed(self, status: str = "succeeded", duration_ms: Optional[int] = None, code: str = "run_failed", error: str = "") -> dict:
        data: dict[str, Any] = {"status": status}
        if duration_ms is not None:
            data["duration_ms"] = duration_ms
        if status == "failed":
            state = job_fail(code, error or "the run failed", recoverable=True)
        else:
            state = job_complete({"duration_ms": duration_ms})
        return self._emit("run.completed", "run:completed", data, state)
