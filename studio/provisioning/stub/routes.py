"""What each call of the protocol does, given an authenticated request and its body.

No HTTP here beyond status codes: the server (``server``) reads the request, checks the
token and the limits, and calls :func:`route`; a refusal is an :class:`ApiError` that
the server turns into the protocol's error body.
"""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from typing import Any

from studio.domain.catalog import CatalogError
from studio.provisioning.protocol import Mode
from studio.provisioning.stub.engine import Conflict, StubEngine

_JOB_PATH = re.compile(r"^/v1/jobs/([0-9a-f]{32})$")
_CANCEL_PATH = re.compile(r"^/v1/jobs/([0-9a-f]{32})/cancel$")
#: At most this many ids in one ``POST /v1/jobs/query``.
MAX_QUERY_IDS = 500
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


def route(
    engine: StubEngine, method: str, path: str, body: dict[str, Any], key_header: str | None
) -> tuple[HTTPStatus, dict[str, Any]]:
    """The answer to an authenticated call, or :class:`ApiError`.

    ``key_header`` is the ``Idempotency-Key`` header, if any.
    """
    path = path.split("?", 1)[0]
    if method == "GET" and path == "/v1/status":
        return HTTPStatus.OK, engine.status()
    if method == "GET" and path == "/v1/resources":
        return HTTPStatus.OK, {"resources": engine.resource_list()}
    if path == ADMIN_PATH:
        if method == "POST":
            _set_faults(engine, body)
        return HTTPStatus.OK, engine.faults.as_dict()
    if engine.faults.mode is Mode.STOPPED:
        raise ApiError(
            HTTPStatus.SERVICE_UNAVAILABLE, "stopped", "the Provisioning Service is stopped"
        )
    return _job_route(engine, method, path, body, key_header)


def _job_route(
    engine: StubEngine,
    method: str,
    path: str,
    body: dict[str, Any],
    key_header: str | None,
) -> tuple[HTTPStatus, dict[str, Any]]:
    """The calls about jobs (the service must be running for them)."""
    now = time.time()
    if method == "POST" and path == "/v1/jobs":
        return _submit(engine, body, key_header, now)
    if method == "POST" and path == "/v1/jobs/query":
        return HTTPStatus.OK, {"jobs": [j.as_dict(now) for j in _query(engine, body)]}
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


def _query(engine: StubEngine, body: dict[str, Any]) -> list[Any]:
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
    engine.advance()
    return [job for job in (engine.jobs.get(i) for i in ids) if job is not None]


def _submit(
    engine: StubEngine, body: dict[str, Any], key_header: str | None, now: float
) -> tuple[HTTPStatus, dict[str, Any]]:
    key = key_header or body.get("idempotency_key")
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
        job, created = engine.submit(key, body["operation"], body["service"], body["parameters"])
    except CatalogError as exc:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "unprocessable", exc.message, exc.field
        ) from None
    except Conflict as exc:
        raise ApiError(HTTPStatus.CONFLICT, "conflict", str(exc), "idempotency_key") from None
    return (HTTPStatus.CREATED if created else HTTPStatus.OK), job.as_dict(now)


def _set_faults(engine: StubEngine, body: dict[str, Any]) -> None:
    faults = engine.faults
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
