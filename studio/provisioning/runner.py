"""The job runner: carries provisioning jobs out, durably, on plain threads (no Qt).

Every job lives in the database from the moment its subscription is written. Each tick
the runner reads the unfinished jobs in one query, submits new ones with their
idempotency keys (in parallel), follows the others with one ``POST /v1/jobs/query`` per
server, and writes every change of the tick in one transaction. Because the server answers
the same key with the same job, a runner started after a crash (SIGKILL included)
simply submits again and finds the job it lost track of: nothing is done twice.

Network failures (unreachable, timeout, 503) are retried with bounded back-off; after
:data:`BACKOFF_S` is used up the job fails with the last reason. Refusals (401, 4xx,
a protocol violation) fail it at once with the server's words.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Row, Table, and_, or_, select, update
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.crash_points import crash_point
from studio.db import audit
from studio.db.models import (
    EndCustomer,
    ProvisioningJob,
    Reseller,
    Subscription,
    utcnow,
)
from studio.domain.actors import Actor
from studio.domain.job_rules import (
    OPERATION_FOR_STATUS,
    UNFINISHED_JOB_STATES,
    JobStatus,
    SubscriptionStatus,
    quotas_after_update,
    status_after_success,
    wanted_status,
)
from studio.errors import DatabaseError
from studio.provisioning.client import (
    JobInfo,
    ProvisioningClient,
    ProvisioningError,
    RequestRejected,
    ServiceUnavailable,
    TimedOut,
    Unreachable,
)
from studio.provisioning.endpoints import server_endpoints
from studio.provisioning.health import Endpoint
from studio.provisioning.protocol import JobState

log = logging.getLogger(__name__)

#: Waits between attempts after network failures; one more failure then fails the job.
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
TRANSIENT = (Unreachable, TimedOut, ServiceUnavailable)
#: How long server addresses and tokens are reused before being read again.
ENDPOINTS_TTL_S = 5.0
#: Jobs asked about in one ``POST /v1/jobs/query``.
QUERY_BATCH = 500
#: How often a job given up here (its server unreachable) is asked about again.
RECONCILE_S = 30.0
#: Jobs talked about with their servers at once (the pool's threads).
CONCURRENCY = 4
#: How often a running job is asked about.
POLL_S = 0.2
#: How long one call to a server may take before it counts as a timeout.
REQUEST_TIMEOUT_S = 5.0
#: How long :meth:`JobRunner.stop` waits for the tick under way.
STOP_TIMEOUT_S = 10.0
#: How long a runner's claim on a job holds unless renewed (each tick that finds the job
#: due renews it): another studio takes the job over only after this.
LEASE_S = 30.0

Listener = Callable[[int], None]

# What the runner logs (module constants: the mutation score leaves log text alone).
_TICK_NOT_WRITTEN = "job runner: tick not written (%s); next tick reads again"
_TICK_DONE = "tick: %d outcomes, %d owners loaded"
_NO_RESOURCE_YET = "job %s: success without a resource id; asking again"
_FOLLOWS_OWNER = "job %s: subscription %s follows its owner (%s)"
_TRY_AGAIN = "job %s: %s; trying again in %.1f s"


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
        self._read_at: float | None = None  # never read yet

    def forget(self) -> None:
        """A server failed to answer: read the addresses again before the next call."""
        self._read_at = None

    def _endpoint(self, server: str) -> Endpoint | None:
        """Addresses and tokens, read at most every few seconds (not per call)."""
        if self._read_at is None or time.monotonic() - self._read_at > ENDPOINTS_TTL_S:
            _control, remotes = server_endpoints(self.studio, self.actor)
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
            client = ProvisioningClient(endpoint.url, endpoint.token, timeout=REQUEST_TIMEOUT_S)
            self._clients[server] = (endpoint.url, client)
            return client

    def close(self) -> None:
        with self._lock:
            for _url, client in self._clients.values():
                client.close()
            self._clients.clear()


class JobRunner:
    """Works on every unfinished job of one database until stopped.

    ``listener(job_id)`` is called (on the runner's thread) after each change a job goes
    through; the GUI turns it into a queued Qt signal.
    """

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        *,
        concurrency: int = CONCURRENCY,
        poll_s: float = POLL_S,
        listener: Listener | None = None,
        backoff: tuple[float, ...] = BACKOFF_S,
        reconcile_s: float = RECONCILE_S,
        lease_s: float = LEASE_S,
        identity: str | None = None,
    ) -> None:
        self.studio = studio
        self.lease_s = lease_s
        #: Who claims the jobs: this studio (its host and data folder), so that a studio
        #: started again on the same folder goes on with its jobs at once.
        self.identity = identity or runner_identity(studio)
        self.reconcile_s = reconcile_s
        self.actor = actor
        self.poll_s = poll_s
        self.listener = listener
        self.backoff = backoff
        self._clients = _Clients(studio, actor)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job")
        self._next_poll: dict[int, float] = {}
        self._no_batch: set[str] = set()  # servers without POST /v1/jobs/query
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

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Finish the tick under way, then stop; unfinished jobs stay for next time."""
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

    # -- ticks --------------------------------------------------------------------------

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                changed = self._tick()
            except DatabaseError as exc:  # locked a moment, or Cancel/Retry came first
                log.info(_TICK_NOT_WRITTEN, exc)  # pragma: no mutate
                changed = []
            except Exception:
                log.exception("job runner: tick failed")  # pragma: no mutate
                changed = []
            for job_id in changed:
                self._notify(job_id)
            rest = rest_after_wake(self.poll_s, time.monotonic() - started)
            if self._wake.wait(self.poll_s) and rest:
                time.sleep(rest)
            self._wake.clear()

    def _notify(self, job_id: int) -> None:
        if self.listener is not None:
            try:
                self.listener(job_id)
            except Exception:
                log.exception("job runner: listener failed")  # pragma: no mutate

    def _tick(self) -> list[int]:
        """One round over every due job; returns the jobs that changed."""
        snapshots = self._due()
        if not snapshots:
            return []
        futures: list[Future[list[_Outcome]]] = []
        polls: dict[str, list[_Snapshot]] = {}
        for snap in snapshots:
            if snap.remote_id is None or snap.state == "pending":
                futures.append(self._pool.submit(self._submit_one, snap))
            elif snap.state == "cancelling":
                futures.append(self._pool.submit(self._cancel_one, snap))
            else:
                polls.setdefault(snap.server, []).append(snap)
        for server, snaps in polls.items():
            for start in range(0, len(snaps), QUERY_BATCH):
                chunk = snaps[start : start + QUERY_BATCH]
                futures.append(self._pool.submit(self._poll_many, server, chunk))
        outcomes = [outcome for future in futures for outcome in future.result()]
        if any(o.info is not None and o.info.state.finished for o in outcomes):
            crash_point("runner.finished")  # pragma: no mutate
        return self._apply(outcomes)

    def _due(self) -> list[_Snapshot]:
        """Unfinished jobs whose back-off has passed and whose next poll is due."""
        now, clock = utcnow(), time.monotonic()
        columns = (
            ProvisioningJob.id,
            ProvisioningJob.state,
            ProvisioningJob.remote_id,
            ProvisioningJob.server,
            ProvisioningJob.idempotency_key,
            ProvisioningJob.operation,
            ProvisioningJob.service,
            ProvisioningJob.parameters,
        )
        with self.studio.unit_of_work() as session:  # plain rows: no ORM objects to build
            rows = session.execute(
                select(*columns)
                .where(
                    ProvisioningJob.state.in_(UNFINISHED_JOB_STATES),
                    or_(
                        ProvisioningJob.next_attempt_at.is_(None),
                        ProvisioningJob.next_attempt_at <= now,
                    ),
                )
                .order_by(ProvisioningJob.id)
            ).all()
            # Given up here while the server had the job: ask now and then how it ended.
            given_up = session.execute(
                select(*columns)
                .where(
                    ProvisioningJob.state == "failed",
                    ProvisioningJob.local_failure.is_(True),
                    ProvisioningJob.remote_id.is_not(None),
                )
                .order_by(ProvisioningJob.id)  # oldest first, as the others
            ).all()
        due = [
            _Snapshot.of(row)
            for row in rows
            if row.state in ("pending", "cancelling") or self._next_poll.get(row.id, 0.0) <= clock
        ]
        for row in given_up:
            if self._next_poll.get(row.id, 0.0) <= clock:
                self._next_poll[row.id] = clock + self.reconcile_s
                due.append(_Snapshot.of(row, reconcile=True))
        if not due:
            return due  # nothing written while idle
        mine = self._claim([snap.id for snap in due])
        return [snap for snap in due if snap.id in mine]

    def _claim(self, wanted: list[int]) -> set[int]:
        """Claim the ``wanted`` jobs no other runner holds (or whose lease ran out), and
        renew this runner's lease on every unfinished job it holds, in one statement;
        returns the wanted jobs it now holds. On SQLite the one writer makes it atomic;
        on PostgreSQL a second runner's update waits for the first's row locks, then
        finds the rows claimed."""
        now = utcnow()
        jobs = _JOBS
        free = or_(
            jobs.c.claimed_by.is_(None),
            jobs.c.claimed_by == self.identity,
            jobs.c.claimed_until < now,
        )
        held = and_(jobs.c.claimed_by == self.identity, jobs.c.state.in_(UNFINISHED_JOB_STATES))
        claim = (
            update(jobs)
            .where(or_(and_(jobs.c.id.in_(wanted), free), held))
            .values(
                claimed_by=self.identity,
                claimed_until=now + dt.timedelta(seconds=self.lease_s),
                updated_at=jobs.c.updated_at,  # a lease is not a change of the job
            )
            .returning(jobs.c.id)
        )
        with self.studio.unit_of_work() as session:
            claimed = set(session.execute(claim).scalars())
        return claimed.intersection(wanted)

    # -- talking to the servers (on the pool) -------------------------------------------

    def _submit_one(self, snap: _Snapshot) -> list[_Outcome]:
        try:
            client = self._clients.get(snap.server)
            info = client.submit_job(snap.key, snap.operation, snap.service, snap.parameters)
            crash_point("runner.submitted")  # pragma: no mutate
            if snap.state == "cancelling" and not info.state.finished:
                info = _cancel(client, info.id)
        except Exception as exc:
            return [self._error(snap, exc)]
        return [_Outcome(snap.id, info=info)]

    def _cancel_one(self, snap: _Snapshot) -> list[_Outcome]:
        assert snap.remote_id is not None
        try:
            info = _cancel(self._clients.get(snap.server), snap.remote_id)
        except Exception as exc:
            return [self._error(snap, exc)]
        return [_Outcome(snap.id, info=info)]

    def _poll_many(self, server: str, snaps: list[_Snapshot]) -> list[_Outcome]:
        """Every job of one server in one call. A job given up here whose server still
        does not answer, or no longer knows it, stays as it is: only a report of how it
        ended changes it (see :meth:`_reconcile`)."""
        try:
            client = self._clients.get(server)
            infos = self._query(client, server, [snap.remote for snap in snaps])
        except Exception as exc:
            return [self._error(snap, exc) for snap in snaps]
        by_id = {info.id: info for info in infos}
        outcomes = []
        for snap in snaps:
            info = by_id.get(snap.remote)
            if info is None:
                failure = f"{server} no longer knows job {snap.remote}"
                outcomes.append(_Outcome(snap.id, failure=failure))
            else:
                outcomes.append(_Outcome(snap.id, info=info, reconcile=snap.reconcile))
        return outcomes

    def _query(self, client: ProvisioningClient, server: str, ids: list[str]) -> list[JobInfo]:
        """One call for all of them; job by job on a server without the call."""
        if server not in self._no_batch:
            try:
                return client.jobs(ids)
            except RequestRejected as exc:
                if exc.status != 404:
                    raise
                self._no_batch.add(server)
        infos = []
        for job_id in ids:  # one unknown job must not fail the others
            try:
                infos.append(client.job(job_id))
            except RequestRejected as exc:
                if exc.status != 404:
                    raise
        return infos

    def _error(self, snap: _Snapshot, exc: Exception) -> _Outcome:
        if isinstance(exc, (*TRANSIENT, _NotRunning)):
            self._clients.forget()  # it may have moved (an embedded stub restarted)
            return _Outcome(snap.id, transient=exc)
        if isinstance(exc, RequestRejected):
            return _Outcome(snap.id, failure=f"{snap.server} refused the job: {exc}")
        if isinstance(exc, ProvisioningError):
            return _Outcome(snap.id, failure=f"{snap.server}: {exc}")
        log.error("job runner: job %s", snap.id, exc_info=exc)  # pragma: no mutate
        return _Outcome(snap.id, transient=exc)

    # -- writing what happened (one transaction per tick) -------------------------------

    def _apply(self, outcomes: list[_Outcome]) -> list[int]:
        changed: list[int] = []
        clock = time.monotonic()
        # No autoflush: the lookups below (subscriptions, resellers) would otherwise write
        # every job changed so far one by one; the tick writes them all once, at commit.
        with self.studio.unit_of_work() as session, session.no_autoflush:
            ids = [o.job_id for o in outcomes]
            jobs = {
                j.id: j
                for j in session.scalars(select(ProvisioningJob).where(ProvisioningJob.id.in_(ids)))
            }
            finishing = [
                job.subscription_id
                for o in outcomes
                if o.info is None or o.info.state.finished
                if (job := jobs.get(o.job_id)) is not None
            ]
            held = self._load_owners(session, finishing)
            for outcome in outcomes:
                job = jobs.get(outcome.job_id)
                if job is not None and outcome.reconcile:
                    if outcome.info is not None and self._reconcile(session, job, outcome.info):
                        changed.append(job.id)
                    continue
                if job is None or job.state not in UNFINISHED_JOB_STATES:
                    continue
                if outcome.info is not None:
                    did_change = self._record(session, job, outcome.info)
                elif outcome.transient is not None:
                    did_change = self._retry_later(session, job, outcome.transient)
                else:
                    assert outcome.failure is not None  # an outcome holds one of the three
                    did_change = self._fail(session, job, outcome.failure)
                if job.state in UNFINISHED_JOB_STATES:
                    self._next_poll[job.id] = clock + self.poll_s
                else:
                    self._next_poll.pop(job.id, None)
                if did_change:
                    changed.append(job.id)
                    crash_point("runner.mid-tick", before=session.flush)  # pragma: no mutate
            log.debug(_TICK_DONE, len(outcomes), len(held))  # pragma: no mutate
        return changed

    @staticmethod
    def _load_owners(session: Session, subscription_ids: list[int]) -> list[object]:
        """The subscriptions of the jobs ending this tick and their resellers, in two
        queries; ``session.get`` then finds them in the session instead of querying once
        per job (a third of the runner's time). Returned to be held for the tick: the
        session keeps only weak references to unchanged objects."""
        if not subscription_ids:
            return []
        subs = session.scalars(
            select(Subscription).where(Subscription.id.in_(subscription_ids))
        ).all()
        reseller_ids = {sub.reseller_id for sub in subs}
        resellers = session.scalars(select(Reseller).where(Reseller.id.in_(reseller_ids))).all()
        return [*subs, *resellers]

    def _record(self, session: Session, job: ProvisioningJob, info: JobInfo) -> bool:
        """Write what the server reports; finish the subscription when the job ended."""
        if _half_written(job, info):
            log.warning(_NO_RESOURCE_YET, job.id)  # pragma: no mutate
            return False  # a report caught half-written: the next poll completes it
        before = (job.state, job.progress, job.remote_id)
        job.remote_id = info.id
        job.attempts = 0
        job.next_attempt_at = None
        if info.state.finished:
            self._finish(session, job, info.state, info.error, info.result)
        else:
            if job.state != "cancelling":
                job.state = JobStatus(info.state.value)
            job.progress = info.progress
        return before != (job.state, job.progress, job.remote_id)

    def _finish(
        self,
        session: Session,
        job: ProvisioningJob,
        state: JobState,
        error: str | None,
        result: dict[str, Any] | None,
    ) -> None:
        """Write how the job ended (``state``, with the server's ``error`` or ``result``)
        and what that makes of its subscription, with an audit event in words."""
        sub = session.get(Subscription, job.subscription_id)
        assert sub is not None
        job.state = JobStatus(state.value)
        job.finished_at = utcnow()
        if state is JobState.SUCCEEDED:
            _succeeded(job, sub, result)
            action = "provisioning_job.succeed"
            summary = f"{sub.service} on {sub.server} {sub.status}"
        elif state is JobState.CANCELLED:
            if job.operation == "provision":
                sub.status = SubscriptionStatus.CANCELLED
            action, summary = "provisioning_job.cancelled", "cancelled on the server"
        else:
            job.error = error or "the server reported a failure without a reason"
            if job.operation == "provision":
                sub.status = SubscriptionStatus.FAILED
            action, summary = "provisioning_job.fail", job.error
        audit.record(
            session,
            self.actor,
            action=action,
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=f"job {job.id} ({job.operation} {job.service} on {job.server}): {summary}",
        )
        if state is JobState.SUCCEEDED:
            self._follow_reseller(session, job, sub)

    def _follow_reseller(self, session: Session, job: ProvisioningJob, sub: Subscription) -> None:
        """A subscription follows its owners: one provisioned (or resumed) while its
        reseller or end customer was suspended meanwhile is suspended next, and the
        other way round; a deleted customer's is deprovisioned."""
        reseller = session.get(Reseller, sub.reseller_id)
        if reseller is None or not sub.resource_id or sub.status not in ("active", "suspended"):
            return
        customer = session.get(EndCustomer, sub.customer_id) if sub.customer_id else None
        wanted = wanted_status(reseller.status, customer.status if customer else None)
        if sub.status == wanted:
            return
        operation = OPERATION_FOR_STATUS[wanted]
        session.add(ProvisioningJob.on_resource(sub, operation, self.actor.name))
        log.info(_FOLLOWS_OWNER, job.id, sub.id, operation)  # pragma: no mutate

    def _reconcile(self, session: Session, job: ProvisioningJob, info: JobInfo) -> bool:
        """A job failed here (server unreachable) that the server had: how did it end?

        Succeeded after all → the record is corrected (the subscription gets what the
        server made), so no resource is left unaccounted for. Failed or cancelled
        there too → the failure is the server's; Retry will use a new key.
        """
        if job.state != "failed" or not job.local_failure or not info.state.finished:
            return False
        if _half_written(job, info):
            return False  # the next reconcile reads it whole
        job.local_failure = False
        if info.state is not JobState.SUCCEEDED:
            job.error = info.error or job.error
            return True
        sub = session.get(Subscription, job.subscription_id)
        assert sub is not None
        job.state, job.error = JobStatus.SUCCEEDED, ""
        _succeeded(job, sub, info.result)
        audit.record(
            session,
            self.actor,
            action="provisioning_job.reconcile",
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=f"job {job.id}: {job.server} finished it after it had been given up "
            f"here; {sub.service} on {sub.server} is {sub.status}",
        )
        self._follow_reseller(session, job, sub)
        return True

    def _retry_later(self, session: Session, job: ProvisioningJob, exc: Exception) -> bool:
        job.attempts += 1
        job.error = str(exc)
        if job.attempts > len(self.backoff):
            reason = f"{job.server} could not be reached after {job.attempts} attempts: {exc}"
            return self._fail(session, job, reason)
        wait = self.backoff[job.attempts - 1]
        job.next_attempt_at = utcnow() + dt.timedelta(seconds=wait)
        log.info(_TRY_AGAIN, job.id, exc, wait)  # pragma: no mutate
        return True

    def _fail(self, session: Session, job: ProvisioningJob, reason: str) -> bool:
        self._finish(session, job, JobState.FAILED, reason, None)
        # Ours, not the server's: Retry asks the server again under the same key.
        job.local_failure = True
        return True


def runner_identity(studio: Studio) -> str:
    """``host data-folder``: one studio's runner, the same after a restart."""
    return f"{socket.gethostname()} {studio.data_dir}"[:255]


_JOBS = cast(Table, ProvisioningJob.__table__)


def _half_written(job: ProvisioningJob, info: JobInfo) -> bool:
    """A provision reported succeeded without the resource it made: a report caught
    half-written, never to be recorded as the job's end."""
    return (
        info.state is JobState.SUCCEEDED
        and job.operation == "provision"
        and not (info.result or {}).get("resource_id")
    )


def _cancel(client: ProvisioningClient, remote_id: str) -> JobInfo:
    """Cancel the job on its server; one that finished first (409) is read instead, so
    that how it ended is recorded."""
    try:
        return client.cancel(remote_id)
    except RequestRejected as exc:
        if exc.status != 409:
            raise
        return client.job(remote_id)


def _succeeded(job: ProvisioningJob, sub: Subscription, result: dict[str, Any] | None) -> None:
    """What a job's success makes of its subscription, whether seen as it ended or
    found later (a job given up here that the server finished): the status its
    operation leads to, the resource a provision made, the quotas an add-on raised."""
    job.progress = 100
    sub.status = status_after_success(job.operation, sub.status)
    if job.operation == "provision":
        sub.resource_id = str((result or {}).get("resource_id") or "") or None
    if job.operation == "update":  # an add-on: the subscription holds the new quotas
        sub.quotas = quotas_after_update(job.parameters)


def rest_after_wake(poll_s: float, tick_s: float) -> float:
    """How long to pause after being woken early (a new job), so that ticks come never
    more often than every ``poll_s / 4`` however often the runner is woken; a tick that
    took that long already needs no pause."""
    return max(poll_s / 4 - tick_s, 0.0)


@dataclass
class _Snapshot:
    """What a tick needs of one job, read in the tick's one query."""

    id: int
    state: str
    remote_id: str | None
    server: str
    key: str
    operation: str
    service: str
    parameters: dict[str, object] = field(default_factory=dict)
    #: A job given up here, asked again how it ended on the server.
    reconcile: bool = False

    @classmethod
    def of(cls, row: Row[Any], *, reconcile: bool = False) -> _Snapshot:
        """The snapshot of one row of :meth:`JobRunner._due`'s query."""
        job_id, state, remote_id, server, key, operation, service, params = tuple(row)
        return cls(
            job_id, state, remote_id, server, key, operation, service, dict(params), reconcile
        )

    @property
    def remote(self) -> str:
        """The server's id of a job being followed (one it accepted)."""
        assert self.remote_id is not None, "only a submitted job is followed"
        return self.remote_id


@dataclass
class _Outcome:
    """What talking to the server gave for one job: its report, or an error."""

    job_id: int
    info: JobInfo | None = None
    transient: Exception | None = None
    failure: str | None = None
    reconcile: bool = False
