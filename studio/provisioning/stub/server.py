"""The stub's HTTP server: routes, authentication, size limits and fault injection.

Standard-library ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive, so it is a
real peer for the studio's client (connection reuse, timeouts, torn connections). Every
request needs ``Authorization: Bearer <token>``; nothing is done before that is checked.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from studio.domain.catalog import CatalogError
from studio.provisioning.protocol import IDEMPOTENCY_HEADER, MAX_BODY_BYTES, Mode
from studio.provisioning.stub.engine import Conflict, StubEngine

log = logging.getLogger(__name__)
_JOB_PATH = re.compile(r"^/v1/jobs/([0-9a-f]{32})$")
#: At most this many ids in one ``POST /v1/jobs/query``.
MAX_QUERY_IDS = 500
_CANCEL_PATH = re.compile(r"^/v1/jobs/([0-9a-f]{32})/cancel$")
ADMIN_PATH = "/v1/admin/faults"


class ApiError(Exception):
    """An error answer: HTTP status, machine code, sentence, and the field if any."""

    def __init__(
        self, status: HTTPStatus, code: str, message: str, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class StubServer(ThreadingHTTPServer):
    """The HTTP server, holding the engine and the token."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], engine: StubEngine, token: str) -> None:
        super().__init__(address, StubHandler)
        self.engine = engine
        self.token = token
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` actually bound (port 0 resolved)."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class StubHandler(BaseHTTPRequestHandler):
    """One request: fault injection, authentication, routing, JSON answer."""

    server: StubServer
    protocol_version = "HTTP/1.1"
    server_version = "MachPanelProvisioningStub/1"
    # Headers and body go out as two writes; with Nagle's algorithm on, the second waits
    # for the client's delayed ACK (40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines go to the debug log (never headers, so never the token)."""
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        """GET routes."""
        self._handle("GET")

    def do_POST(self) -> None:
        """POST routes."""
        self._handle("POST")

    # -- pipeline -----------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        engine = self.server.engine
        admin = self.path == ADMIN_PATH
        self._body_read = method != "POST"
        try:
            if not admin:
                self._apply_faults()
            self._authenticate()
            body = self._read_body() if method == "POST" else {}
            if not admin and engine.faults.latency_ms:
                time.sleep(engine.faults.latency_ms / 1000)
            status, payload = self._route(method, body)
        except ApiError as exc:
            error: dict[str, Any] = {"code": exc.code, "message": exc.message}
            if exc.field:
                error["field"] = exc.field
            status, payload = exc.status, {"error": error}
            if not self._body_read:
                # The unread body would be parsed as the next request on this connection.
                self.close_connection = True
        engine.journal.sync()  # nothing is answered that a crash could take back
        self._send(status, payload)

    def _apply_faults(self) -> None:
        faults = self.server.engine.faults
        while faults.mode is Mode.HANG and not self.server.stopping.is_set():
            time.sleep(0.05)  # holds the connection: the client must time out
        if faults.mode is Mode.UNAVAILABLE:
            raise ApiError(
                HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", "the service is unavailable"
            )

    def _authenticate(self) -> None:
        header = self.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            presented.strip().encode(), self.server.token.encode()
        ):
            raise ApiError(HTTPStatus.UNAUTHORIZED, "unauthorized", "missing or wrong token")

    def _read_body(self) -> dict[str, Any]:
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                "send a Content-Length, not chunks",
                "Transfer-Encoding",
            )
        length_text = self.headers.get("Content-Length", "0")
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if length < 0:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                "must be a whole number of bytes",
                "Content-Length",
            )
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "too_large",
                f"request body of {length} bytes exceeds {MAX_BODY_BYTES}",
            )
        raw = self.rfile.read(length) if length else b""
        self._body_read = True
        try:
            body = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "bad_request", f"malformed JSON: {exc}"
            ) from None
        if not isinstance(body, dict):
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", "the body must be a JSON object")
        return body

    def _send(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    # -- routes -------------------------------------------------------------------------

    def _route(self, method: str, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        engine = self.server.engine
        path = self.path.split("?", 1)[0]
        now = time.time()
        if method == "GET" and path == "/v1/status":
            return HTTPStatus.OK, engine.status()
        if method == "GET" and path == "/v1/resources":
            return HTTPStatus.OK, {"resources": engine.resource_list()}
        if path == ADMIN_PATH:
            if method == "POST":
                self._set_faults(body)
            return HTTPStatus.OK, engine.faults.as_dict()
        if engine.faults.mode is Mode.STOPPED:
            raise ApiError(
                HTTPStatus.SERVICE_UNAVAILABLE, "stopped", "the Provisioning Service is stopped"
            )
        return self._job_route(method, path, body, now)

    def _job_route(
        self, method: str, path: str, body: dict[str, Any], now: float
    ) -> tuple[HTTPStatus, dict[str, Any]]:
        """The calls about jobs (the service must be running for them)."""
        engine = self.server.engine
        if method == "POST" and path == "/v1/jobs":
            return self._submit(body, now)
        if method == "POST" and path == "/v1/jobs/query":
            return HTTPStatus.OK, {"jobs": [j.as_dict(now) for j in self._query(body)]}
        match = _JOB_PATH.match(path)
        if method == "GET" and match:
            job = engine.job(match.group(1))
            if job is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "not_found", "no such job")
            return HTTPStatus.OK, job.as_dict(time.time())
        match = _CANCEL_PATH.match(path)
        if method == "POST" and match:
            try:
                job = engine.cancel(match.group(1))
            except Conflict as exc:
                raise ApiError(HTTPStatus.CONFLICT, "conflict", str(exc)) from None
            if job is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "not_found", "no such job")
            return HTTPStatus.OK, job.as_dict(time.time())
        raise ApiError(HTTPStatus.NOT_FOUND, "not_found", f"no route {method} {path}")

    def _query(self, body: dict[str, Any]) -> list[Any]:
        """Several jobs in one call (ids the server does not know are left out)."""
        ids = body.get("ids")
        if (
            not isinstance(ids, list)
            or len(ids) > MAX_QUERY_IDS
            or not all(isinstance(i, str) for i in ids)
        ):
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "unprocessable",
                f"must be a list of at most {MAX_QUERY_IDS} job ids",
                "ids",
            )
        engine = self.server.engine
        engine.advance()
        return [job for job in (engine.jobs.get(i) for i in ids) if job is not None]

    def _submit(self, body: dict[str, Any], now: float) -> tuple[HTTPStatus, dict[str, Any]]:
        key = self.headers.get(IDEMPOTENCY_HEADER) or body.get("idempotency_key")
        if not isinstance(key, str) or not 8 <= len(key) <= 128:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "unprocessable",
                "must be a text of 8 to 128 characters",
                "idempotency_key",
            )
        for name, kind in (("operation", str), ("service", str), ("parameters", dict)):
            if not isinstance(body.get(name), kind):
                raise ApiError(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    "unprocessable",
                    f"is required ({'an object' if kind is dict else 'a text'})",
                    name,
                )
        try:
            job, created = self.server.engine.submit(
                key, body["operation"], body["service"], body["parameters"]
            )
        except CatalogError as exc:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY, "unprocessable", exc.message, exc.field
            ) from None
        except Conflict as exc:
            raise ApiError(HTTPStatus.CONFLICT, "conflict", str(exc), "idempotency_key") from None
        return (HTTPStatus.CREATED if created else HTTPStatus.OK), job.as_dict(now)

    def _set_faults(self, body: dict[str, Any]) -> None:
        faults = self.server.engine.faults
        if "fail_rate" in body:
            rate = body["fail_rate"]
            if not isinstance(rate, int | float) or not 0 <= rate <= 1:
                raise ApiError(
                    HTTPStatus.UNPROCESSABLE_ENTITY, "unprocessable", "must be 0 to 1", "fail_rate"
                )
            faults.fail_rate = float(rate)
        if "latency_ms" in body:
            latency = body["latency_ms"]
            if not isinstance(latency, int) or not 0 <= latency <= 600_000:
                raise ApiError(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    "unprocessable",
                    "must be 0 to 600000",
                    "latency_ms",
                )
            faults.latency_ms = latency
        if "mode" in body:
            try:
                faults.mode = Mode(body["mode"])
            except ValueError:
                raise ApiError(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    "unprocessable",
                    f"one of {[m.value for m in Mode]}",
                    "mode",
                ) from None
        if "build" in body:
            build = body["build"]
            if build is not None and not isinstance(build, str):
                raise ApiError(
                    HTTPStatus.UNPROCESSABLE_ENTITY, "unprocessable", "must be a text", "build"
                )
            faults.build = build or None
