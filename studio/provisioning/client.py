"""Client of the provisioning protocol, with one typed error per way a call can fail.

The health check and the job runner need to tell *unreachable* from *timed out* from
*unauthorized* from *stopped*, so each is its own exception; all carry a sentence fit
for an administrator. The token is sent as a bearer header and never appears in a
``repr``, a log line or an exception message.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from studio.errors import StudioError
from studio.provisioning.protocol import IDEMPOTENCY_HEADER, JobState

DEFAULT_TIMEOUT_S = 2.0


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client: building one loads the CA store (~15 ms), and
    httpx would otherwise do that for each client, even for plain http."""
    return ssl.create_default_context()


class ProvisioningError(StudioError):
    """A call to a Provisioning Service did not succeed."""


class Unreachable(ProvisioningError):
    """Nothing answers at the address (refused, no route, unknown host)."""


class TimedOut(ProvisioningError):
    """The server accepted the connection but did not answer in time."""


class Unauthorized(ProvisioningError):
    """The server refused the token (HTTP 401)."""


class ServiceUnavailable(ProvisioningError):
    """HTTP 5xx: the service is stopped (``code == "stopped"``), unavailable, busy
    (``"busy"``: too many connections), or failed on its own account (``"internal"``).
    All are worth trying again later: none says the request was wrong."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class RequestRejected(ProvisioningError):
    """HTTP 4xx other than 401: the request was wrong; ``field`` names what, if known."""

    def __init__(self, status: int, code: str, message: str, field: str | None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.status = status
        self.code = code
        self.field = field


class ProtocolViolation(ProvisioningError):
    """The answer was not the protocol's JSON (a different program on that port?)."""


@dataclass(frozen=True)
class ServerStatus:
    """``GET /v1/status``."""

    role: str
    name: str
    build: str
    running: bool
    services: tuple[str, ...]


@dataclass(frozen=True)
class JobInfo:
    """A job as the server reports it."""

    id: str
    idempotency_key: str
    operation: str
    service: str
    parameters: dict[str, Any]
    state: JobState
    progress: int
    result: dict[str, Any] | None
    error: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobInfo:
        """Parse the protocol's job object."""
        try:
            return cls(
                id=str(data["id"]),
                idempotency_key=str(data["idempotency_key"]),
                operation=str(data["operation"]),
                service=str(data["service"]),
                parameters=dict(data["parameters"]),
                state=JobState(data["state"]),
                progress=int(data["progress"]),
                result=data.get("result"),
                error=data.get("error"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolViolation(f"not a job object: {exc}") from None


class ProvisioningClient:
    """Calls one Provisioning Service. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeout),
            transport=transport,
            verify=_tls_context(),
        )

    def __repr__(self) -> str:
        return f"ProvisioningClient({self.base_url!r})"

    def __enter__(self) -> ProvisioningClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    # -- calls --------------------------------------------------------------------------

    def status(self) -> ServerStatus:
        """Role, name, build, whether the service runs, services hosted."""
        data = self._call("GET", "/v1/status")
        try:
            return ServerStatus(
                role=str(data["role"]),
                name=str(data["name"]),
                build=str(data["build"]),
                running=bool(data["running"]),
                services=tuple(data.get("services", ())),
            )
        except (KeyError, TypeError) as exc:
            raise ProtocolViolation(f"not a status object: {exc}") from None

    def submit_job(
        self, key: str, operation: str, service: str, parameters: dict[str, Any]
    ) -> JobInfo:
        """Submit (or find again, with the same key) a job."""
        body = {
            "idempotency_key": key,
            "operation": operation,
            "service": service,
            "parameters": parameters,
        }
        data = self._call("POST", "/v1/jobs", body, headers={IDEMPOTENCY_HEADER: key})
        return JobInfo.from_json(data)

    def job(self, job_id: str) -> JobInfo:
        """A job's state, progress and outcome."""
        return JobInfo.from_json(self._call("GET", f"/v1/jobs/{job_id}"))

    def jobs(self, job_ids: list[str]) -> list[JobInfo]:
        """Several jobs in one call (at most 500; ids the server does not know are left
        out). A server without the call answers 404: use :meth:`job` instead."""
        data = self._call("POST", "/v1/jobs/query", {"ids": job_ids})
        try:
            return [JobInfo.from_json(item) for item in data["jobs"]]
        except (KeyError, TypeError) as exc:
            raise ProtocolViolation(f"not a job list: {exc}") from None

    def cancel(self, job_id: str) -> JobInfo:
        """Cancel a job that has not finished."""
        return JobInfo.from_json(self._call("POST", f"/v1/jobs/{job_id}/cancel", {}))

    def resources(self) -> list[dict[str, Any]]:
        """What the server holds."""
        return list(self._call("GET", "/v1/resources")["resources"])

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Fault injection on a stub (``fail_rate``, ``latency_ms``, ``mode``, ``build``)."""
        return self._call("POST", "/v1/admin/faults", faults)

    # -- plumbing -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        where = f"{self.base_url}{path}"
        try:
            response = self._http.request(method, path, json=body, headers=headers)
        except httpx.TimeoutException:
            raise TimedOut(f"{self.base_url} did not answer in time") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"{self.base_url} cannot be reached ({exc})") from None
        try:
            data = response.json()
        except ValueError:
            raise ProtocolViolation(
                f"{where} answered HTTP {response.status_code} without JSON"
            ) from None
        if not isinstance(data, dict):
            raise ProtocolViolation(f"{where} answered with JSON that is not an object")
        if response.is_success:
            return data
        raw_error = data.get("error")
        error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        message = str(error.get("message", response.reason_phrase))
        code = str(error.get("code", "error"))
        if response.status_code == 401:
            raise Unauthorized(f"{self.base_url} refused the token")
        if response.status_code >= 500:  # stopped, unavailable, busy, or a server fault
            raise ServiceUnavailable(f"{self.base_url}: {message}", code)
        raise RequestRejected(response.status_code, code, message, error.get("field"))
