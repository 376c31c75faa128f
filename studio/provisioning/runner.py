"""The job runner: carries provisioning jobs out, durably, on plain threads (no Qt).

Every job lives in the database from the moment its subscription is written. The
runner finds the unfinished ones, submits each with its idempotency key, follows it on
the server and writes each change in a short transaction. Because the server answers
the same key with the same job, a runner started after a crash (SIGKILL included)
simply submits again and finds the job it lost track of: nothing is done twice.

Network failures (unreachable, timeout, 503) are retried with bounded back-off; after
:data:`BACKOFF_S` is used up the job fails with the last reason. Refusals (401, 4xx,
a protocol violation) fail it at once with the server's words.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from studio import audit
from studio.actors import Actor
from studio.context import Studio
from studio.db.models import ProvisioningJob, Subscription, utcnow
from studio.provisioning.client import (
    JobInfo,
    ProvisioningClient,
    ProvisioningError,
    RequestRejected,
    ServiceUnavailable,
    TimedOut,
    Unreachable,
)
from studio.provisioning.health import Endpoint
from studio.provisioning.protocol import JobState

log = logging.getLogger(__name__)

ACTIVE_STATES = ("pending", "queued", "running", "cancelling")
#: Waits between attempts after network failures; one more failure then fails the job.
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
TRANSIENT = (Unreachable, TimedOut, ServiceUnavailable)
#: How long server addresses and tokens are reused before being read again.
ENDPOINTS_TTL_S = 5.0
#: What a finished provision/update/deprovision makes of its subscription.
_ON_SUCCESS = {
    "provision": "active",
    "update": "active",
    "deprovision": "removed",
    "suspend": "suspended",
    "resume": "active",
}

Listener = Callable[[int], None]


class _NotRunning(ProvisioningError):
    """The server has no address yet (an embedded stub not started): retry later."""


@dataclass
class _Clients:
    """One HTTP client per server, made on first use, refreshed when the address moves."""

    studio: Studio
    actor: Actor

    def __post_init__(self) -> None:
        self._clients: dict[str, tuple[str, ProvisioningClient]] = {}
        self._lock = threading.Lock()
        self._endpoints: dict[str, Endpoint] = {}
        self._read_at = -ENDPOINTS_TTL_S

    def forget(self) -> None:
        """A server failed to answer: read the addresses again before the next call."""
        self._read_at = -ENDPOINTS_TTL_S

    def _endpoint(self, server: str) -> Endpoint | None:
        """Addresses and tokens, read at most every few seconds (not per call)."""
        from studio.services.provisioning import endpoints

        if time.monotonic() - self._read_at > ENDPOINTS_TTL_S:
            _control, remotes = endpoints(self.studio, self.actor)
            self._endpoints = {e.name.upper(): e for e in remotes}
            self._read_at = time.monotonic()
        return self._endpoints.get(server.upper())

    def get(self, server: str) -> ProvisioningClient:
        endpoint = self._endpoint(server)
        if endpoint is None or not endpoint.url or not endpoint.token:
            raise _NotRunning(f"{server} has no address or token (is it running?)")
        with self._lock:
            known = self._clients.get(server)
            if known and known[0] == endpoint.url:
                return known[1]
            if known:
                known[1].close()
            client = ProvisioningClient(endpoint.url, endpoint.token, timeout=5.0)
            self._clients[server] = (endpoint.url, client)
            return client

    def close(self) -> None:
        with self._lock:
            for _url, client in self._clients.values():
                client.close()
            self._clients.clear()


class JobRunner:
    """Works on every unfinished job of one database until stopped.

    ``listener(job_id)`` is called (on a runner thread) after each change a job goes
    through; the GUI turns it into a queued Qt signal.
    """

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        *,
        concurrency: int = 4,
        poll_s: float = 0.2,
        listener: Listener | None = None,
        backoff: tuple[float, ...] = BACKOFF_S,
    ) -> None:
        self.studio = studio
        self.actor = actor
        self.poll_s = poll_s
        self.listener = listener
        self.backoff = backoff
        self._clients = _Clients(studio, actor)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job")
        self._in_flight: set[int] = set()
        self._next_poll: dict[int, float] = {}
        self._meta: dict[int, tuple[str, str, str, str]] = {}
        self._parameters: dict[int, dict[str, object]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> JobRunner:
        """Start the dispatcher thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._dispatch, name="job-runner", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """A job was added or changed: look now rather than at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the steps under way, then stop; unfinished jobs stay for next time."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._clients.close()

    def run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Run until ``done()`` (checked between ticks) or ``timeout``; True when done."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done():
                return True
            time.sleep(0.05)
        return done()

    # -- dispatching --------------------------------------------------------------------

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                for job_id in self._due():
                    with self._lock:
                        self._in_flight.add(job_id)
                    self._pool.submit(self._step_safely, job_id)
            except Exception:  # the database may be locked for a moment: try next tick
                log.exception("job runner: cannot read the jobs")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _due(self) -> list[int]:
        """Unfinished jobs whose back-off has passed and which no worker holds."""
        now = utcnow()
        with self.studio.unit_of_work() as session:
            ids = list(
                session.scalars(
                    select(ProvisioningJob.id)
                    .where(
                        ProvisioningJob.state.in_(ACTIVE_STATES),
                        or_(
                            ProvisioningJob.next_attempt_at.is_(None),
                            ProvisioningJob.next_attempt_at <= now,
                        ),
                    )
                    .order_by(ProvisioningJob.id)
                )
            )
        clock = time.monotonic()
        with self._lock:
            return [
                i for i in ids if i not in self._in_flight and self._next_poll.get(i, 0.0) <= clock
            ]

    def _step_safely(self, job_id: int) -> None:
        try:
            changed = self._step(job_id)
        except Exception:  # a bug must not kill the worker; the job is tried again
            log.exception("job runner: job %s", job_id)
            changed = False
        finally:
            with self._lock:
                self._in_flight.discard(job_id)
        if changed and self.listener is not None:
            try:
                self.listener(job_id)
            except Exception:
                log.exception("job runner: listener failed")

    # -- one step of one job ------------------------------------------------------------

    def _step(self, job_id: int) -> bool:
        with self.studio.unit_of_work() as session:
            row = session.execute(
                select(ProvisioningJob.state, ProvisioningJob.remote_id).where(
                    ProvisioningJob.id == job_id
                )
            ).first()
            if row is None or row[0] not in ACTIVE_STATES:
                return False
            state, remote_id = row
            meta = self._meta.get(job_id)
            if meta is None or state == "pending":  # what never changes, read once
                job = session.get(ProvisioningJob, job_id)
                assert job is not None
                meta = (job.server, job.idempotency_key, job.operation, job.service)
                self._meta[job_id] = meta
                self._parameters[job_id] = dict(job.parameters)
        server, key, operation, service = meta
        parameters = self._parameters[job_id]
        try:
            client = self._clients.get(server)
            if remote_id is None or state == "pending":
                info = client.submit_job(key, operation, service, parameters)
            else:
                info = client.job(remote_id)
            if state == "cancelling" and info.state in ("queued", "running"):
                info = client.cancel(info.id)
        except (*TRANSIENT, _NotRunning) as exc:
            self._clients.forget()  # it may have moved (an embedded stub restarted)
            return self._retry_later(job_id, exc)
        except RequestRejected as exc:
            if state == "cancelling" and exc.status == 409 and remote_id:
                return self._record(job_id, self._clients.get(server).job(remote_id))
            return self._fail(job_id, f"{server} refused the job: {exc}")
        except ProvisioningError as exc:
            return self._fail(job_id, f"{server}: {exc}")
        return self._record(job_id, info)

    def _record(self, job_id: int, info: JobInfo) -> bool:
        """Write what the server reports; finish the subscription when the job ended."""
        with self.studio.unit_of_work() as session:
            job = session.get(ProvisioningJob, job_id)
            if job is None or job.state not in ACTIVE_STATES:
                return False
            before = (job.state, job.progress, job.remote_id)
            job.remote_id = info.id
            job.attempts = 0
            job.next_attempt_at = None
            if info.state.value in ("queued", "running"):
                if job.state != "cancelling":
                    job.state = info.state.value
                job.progress = info.progress
            else:
                self._finish(session, job, info)
                self._forget(job_id)
            changed = before != (job.state, job.progress, job.remote_id)
            finished = job.state not in ACTIVE_STATES
        if not finished:
            with self._lock:
                self._next_poll[job_id] = time.monotonic() + self.poll_s
        return changed

    def _finish(self, session: Session, job: ProvisioningJob, info: JobInfo) -> None:
        sub = session.get(Subscription, job.subscription_id)
        assert sub is not None
        job.state = info.state.value
        job.finished_at = utcnow()
        if info.state.value == "succeeded":
            job.progress = 100
            sub.status = _ON_SUCCESS.get(job.operation, sub.status)
            if job.operation == "provision" and info.result:
                sub.resource_id = str(info.result.get("resource_id") or "") or None
            action, summary = (
                "provisioning_job.succeed",
                f"{sub.service} on {sub.server} {sub.status}",
            )
        elif info.state.value == "cancelled":
            sub.status = "cancelled" if job.operation == "provision" else sub.status
            action, summary = "provisioning_job.cancelled", "cancelled on the server"
        else:
            job.error = info.error or "the server reported a failure without a reason"
            sub.status = "failed" if job.operation == "provision" else sub.status
            action, summary = "provisioning_job.fail", job.error
        audit.record(
            session,
            self.actor,
            action=action,
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=f"job {job.id} ({job.operation} {job.service} on {job.server}): {summary}",
        )

    def _forget(self, job_id: int) -> None:
        """A finished job: nothing of it stays in memory (the runner runs for days)."""
        self._meta.pop(job_id, None)
        self._parameters.pop(job_id, None)
        with self._lock:
            self._next_poll.pop(job_id, None)

    def _retry_later(self, job_id: int, exc: Exception) -> bool:
        with self.studio.unit_of_work() as session:
            job = session.get(ProvisioningJob, job_id)
            if job is None or job.state not in ACTIVE_STATES:
                return False
            job.attempts += 1
            job.error = str(exc)
            if job.attempts > len(self.backoff):
                tries = job.attempts
                server = job.server
            else:
                wait = self.backoff[job.attempts - 1]
                job.next_attempt_at = utcnow() + dt.timedelta(seconds=wait)
                log.info("job %s: %s; trying again in %.1f s", job_id, exc, wait)
                return True
        return self._fail(job_id, f"{server} could not be reached after {tries} attempts: {exc}")

    def _fail(self, job_id: int, reason: str) -> bool:
        with self.studio.unit_of_work() as session:
            job = session.get(ProvisioningJob, job_id)
            if job is None or job.state not in ACTIVE_STATES:
                return False
            failed = JobInfo(
                id=job.remote_id or "",
                idempotency_key=job.idempotency_key,
                operation=job.operation,
                service=job.service,
                parameters=dict(job.parameters),
                state=JobState.FAILED,
                progress=job.progress,
                result=None,
                error=reason,
            )
            self._finish(session, job, failed)
            self._forget(job_id)
            # Ours, not the server's: Retry asks the server again under the same key.
            job.local_failure = True
        return True
