"""The stub's HTTP server: routes, authentication, limits and fault injection.

Standard-library ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive, so it is a
real peer for the studio's client (connection reuse, timeouts, torn connections). Every
request needs ``Authorization: Bearer <token>``; nothing is done, and no fault is shown,
before that is checked. What one connection may cost (a thread, for how long) is bounded
by ``connections``; what a body may hold by ``request_body``. Whatever goes wrong inside
a call is answered (a 500 at worst) and logged as one line, never as a traceback.
"""

from __future__ import annotations

import errno
import hmac
import io
import json
import logging
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from studio.provisioning.protocol import IDEMPOTENCY_HEADER, MAX_BODY_BYTES, Mode
from studio.provisioning.stub.connections import (
    LISTEN_BACKLOG,
    MAX_CONNECTIONS,
    READ_TIMEOUT_S,
    REFUSAL_READ_S,
    RETRY_AFTER_S,
    Admission,
    DeadlineReader,
    Verdict,
)
from studio.provisioning.stub.engine import StubEngine
from studio.provisioning.stub.request_body import MalformedBody, parse_json_object
from studio.provisioning.stub.routes import ADMIN_PATH, ApiError, route

log = logging.getLogger(__name__)
_CONTENT_LENGTH = re.compile(r"[0-9]{1,19}")
#: ``accept`` failing for want of descriptors or memory: retrying at once would spin.
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
#: Error codes of the answers the standard library gives itself (bad request line,
#: headers too long, unknown method), so that they too carry the protocol's JSON.
_LIBRARY_CODES = {
    HTTPStatus.NOT_IMPLEMENTED: "not_implemented",
    HTTPStatus.REQUEST_URI_TOO_LONG: "too_large",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "too_large",
}


class _Dropped(Exception):
    """The connection ends without an answer: its client left, or its body never came."""


class StubServer(ThreadingHTTPServer):
    """The HTTP server, holding the engine, the token and the connection limits."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        engine: StubEngine,
        token: str,
        *,
        read_timeout: float = READ_TIMEOUT_S,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        super().__init__(address, StubHandler)
        self.engine = engine
        self.token = token
        self.read_timeout = read_timeout
        self.admission = Admission(max_connections)
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` actually bound (port 0 resolved)."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept a connection; when descriptors run out, pause before the loop retries."""
        try:
            return super().get_request()
        except OSError as exc:
            if exc.errno in _OUT_OF_RESOURCES:
                # The listening socket stays readable, so the accept loop would come
                # straight back here at full CPU; the client waits in the backlog.
                log.warning("cannot accept a connection: %s", exc.strerror)
                time.sleep(0.1)
            raise

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Admit the connection (or turn it away) and serve it on a thread of its own."""
        assert isinstance(request, socket.socket)  # a TCP server: always a socket
        verdict = self.admission.admit()
        if verdict is Verdict.CLOSE:
            self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self._serve, args=(request, client_address, verdict), daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # the system gives no more threads: as if over the limit
            self.admission.release(verdict, request)
            self.shutdown_request(request)

    def _serve(self, request: socket.socket, client_address: Any, verdict: Verdict) -> None:
        try:
            StubHandler(request, client_address, self, refusing=verdict is Verdict.REFUSE)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.admission.release(verdict, request)
            self.shutdown_request(request)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """One log line, never a traceback: a torn connection is routine (debug); any
        other error is a fault of the stub (error)."""
        exc = sys.exc_info()[1]
        host = client_address[0] if isinstance(client_address, tuple) else client_address
        if isinstance(exc, OSError):
            log.debug("connection from %s ended: %s", host, exc)
        else:
            log.error("connection from %s failed: %s: %s", host, type(exc).__name__, exc)


class StubHandler(BaseHTTPRequestHandler):
    """One connection: authentication, fault injection, routing, JSON answers.

    A *refusing* handler serves a connection admitted over the limit: it reads one
    request head, answers 401 or 503 ``busy``, and closes.
    """

    server: StubServer
    protocol_version = "HTTP/1.1"
    server_version = "MachPanelProvisioningStub/1"
    # Headers and body go out as two writes; with Nagle's algorithm on, the second waits
    # for the client's delayed ACK (40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True

    def __init__(
        self,
        request: socket.socket,
        client_address: Any,
        server: StubServer,
        *,
        refusing: bool = False,
    ) -> None:
        self.refusing = refusing
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        """The usual streams, but reads bounded by each request's deadline."""
        super().setup()
        self.rfile.close()  # the library's own reader would keep the socket open
        self._reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """One request, which must arrive whole within the read timeout."""
        wait = REFUSAL_READ_S if self.refusing else self.server.read_timeout
        self._reader.deadline = time.monotonic() + wait
        if not self.refusing:
            self.server.admission.idle(self.connection)
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request line has arrived: from now on the connection is not idle."""
        self.server.admission.busy(self.connection)
        return super().parse_request()

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines go to the debug log (never headers, so never the token)."""
        log.debug("%s %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The library's own refusals (bad request line, headers too long, unknown
        method) in the protocol's JSON, and the connection closed: what follows a
        request that could not be read cannot be trusted as the next one."""
        status = HTTPStatus(code)
        fallback = "bad_request" if status < 500 else "internal"
        self.close_connection = True
        error = {"code": _LIBRARY_CODES.get(status, fallback), "message": message or status.phrase}
        self._send(status, {"error": error})

    def do_GET(self) -> None:
        """GET routes."""
        self._handle("GET")

    def do_POST(self) -> None:
        """POST routes."""
        self._handle("POST")

    # -- pipeline -----------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        self._body_read = method != "POST"
        if self.refusing:
            self.close_connection = True
        try:
            status, payload = self._answer(method)
            self.server.engine.journal.sync()  # nothing is answered that a crash could take back
        except _Dropped as exc:
            log.debug("%s %s dropped: %s", method, self.path, exc)
            self.close_connection = True
            return
        except Exception as exc:
            # A fault of the stub, not of the request: say so, in one line.
            log.error("%s %s failed: %s: %s", method, self.path, type(exc).__name__, exc)
            error = {"code": "internal", "message": "the stub failed to answer this call"}
            status, payload = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": error}
        if not self._body_read:
            # The unread body would be parsed as the next request on this connection.
            self.close_connection = True
        self._send(status, payload)

    def _answer(self, method: str) -> tuple[HTTPStatus, dict[str, Any]]:
        """The answer to one request: the token first, then the limits, the body, the faults
        and the route."""
        engine = self.server.engine
        admin = self.path == ADMIN_PATH
        try:
            self._authenticate()
            if self.refusing:
                raise ApiError(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "busy",
                    f"too many connections: retry after {RETRY_AFTER_S} s",
                )
            # The body before the faults: a hanging call can then tell when its client
            # leaves (nothing left to read but the close).
            body = self._read_body() if method == "POST" else {}
            if not admin:
                self._apply_faults()
            if not admin and engine.faults.latency_ms:
                time.sleep(engine.faults.latency_ms / 1000)
            return route(engine, method, self.path, body, self.headers.get(IDEMPOTENCY_HEADER))
        except ApiError as exc:
            error: dict[str, Any] = {"code": exc.code, "message": exc.message}
            if exc.field:
                error["field"] = exc.field
            return exc.status, {"error": error}

    def _apply_faults(self) -> None:
        faults = self.server.engine.faults
        while faults.mode is Mode.HANG and not self.server.stopping.is_set():
            # Holds the connection, so the client must time out; once it has gone, the
            # thread goes too rather than holding a slot for a peer that left.
            if self._peer_left(wait=0.05):
                raise _Dropped("the client left while the stub hung")
        if faults.mode is Mode.UNAVAILABLE:
            raise ApiError(
                HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", "the service is unavailable"
            )

    def _peer_left(self, wait: float) -> bool:
        """Whether the client has closed its end, waiting at most ``wait`` seconds."""
        self.connection.settimeout(wait)
        try:
            pending = self.connection.recv(1, socket.MSG_PEEK)
        except TimeoutError:
            return False
        except OSError:
            return True
        if pending:  # it sent more (a pipelined request): still there
            time.sleep(wait)
            return False
        return True

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
        length_text = self.headers.get("Content-Length", "0").strip()
        if not _CONTENT_LENGTH.fullmatch(length_text):
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                "must be a whole number of bytes",
                "Content-Length",
            )
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "too_large",
                f"request body of {length} bytes exceeds {MAX_BODY_BYTES}",
            )
        try:
            raw = self.rfile.read(length) if length else b""
        except OSError as exc:  # the read timeout, or a reset: nobody to answer
            raise _Dropped(f"the body did not arrive ({exc})") from None
        self._body_read = True
        if len(raw) < length:
            self.close_connection = True  # the client closed its side
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"the body ended after {len(raw)} of {length} bytes",
                "Content-Length",
            )
        try:
            return parse_json_object(raw)
        except MalformedBody as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", str(exc)) from None

    def _send(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        # A client that stops reading holds the thread no longer than the read timeout.
        self.connection.settimeout(self.server.read_timeout)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status is HTTPStatus.SERVICE_UNAVAILABLE and self.refusing:
            self.send_header("Retry-After", str(RETRY_AFTER_S))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
