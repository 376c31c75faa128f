"""The stub's jobs and resources: what the HTTP layer calls, with no HTTP in it.

A job's progress follows the wall clock: it is queued for a moment, then runs for its
duration, so a restarted stub picks up exactly where it was. When a job's time is up it
finishes — a resource is created (or changed, or removed), or the job fails as decided
at submission by the failure rate — and that outcome is journalled.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.domain.catalog import CATALOG, CatalogError, validate_request
from studio.provisioning.protocol import JobState, Mode, Role
from studio.provisioning.stub.journal import Journal, replay

QUEUE_SECONDS = 0.2
#: Keys of a journal entry that carry a finished job's effect on the resources. Job and
#: effect share one line, so a kill can never keep one without the other.
_OUTCOME_KEYS = ("kind", "resource", "resource_removed")


@dataclass
class Faults:
    """What the stub is told to get wrong, at start or through the admin call."""

    fail_rate: float = 0.0
    latency_ms: int = 0
    mode: Mode = Mode.NORMAL
    build: str | None = None  # reported instead of the real build

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as the admin call returns it."""
        return {
            "fail_rate": self.fail_rate,
            "latency_ms": self.latency_ms,
            "mode": self.mode.value,
            "build": self.build,
        }


@dataclass
class Job:
    """One provisioning job as the stub keeps it."""

    id: str
    key: str
    operation: str
    service: str
    parameters: dict[str, Any]
    submitted_at: float
    duration: float
    will_fail: bool
    state: JobState = JobState.QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    finished_at: float | None = None

    def progress(self, now: float) -> int:
        """0-100, from the wall clock while running; 100 once succeeded."""
        if self.state is JobState.SUCCEEDED:
            return 100
        if self.state.finished:
            return int(self._fraction(self.finished_at or now) * 100)
        return int(self._fraction(now) * 99)

    def _fraction(self, now: float) -> float:
        started = self.submitted_at + QUEUE_SECONDS
        if now <= started:
            return 0.0
        return min(1.0, (now - started) / self.duration)

    def live_state(self, now: float) -> JobState:
        """Queued until its queue time is over, then running, unless finished."""
        if self.state.finished:
            return self.state
        return JobState.RUNNING if now >= self.submitted_at + QUEUE_SECONDS else JobState.QUEUED

    def as_dict(self, now: float) -> dict[str, Any]:
        """The protocol's job object."""
        return {
            "id": self.id,
            "idempotency_key": self.key,
            "operation": self.operation,
            "service": self.service,
            "parameters": self.parameters,
            "state": self.live_state(now).value,
            "progress": self.progress(now),
            "result": self.result,
            "error": self.error,
        }


class Conflict(Exception):
    """The request contradicts the state (reused key with other content, finished job)."""


@dataclass
class StubEngine:
    """Jobs, resources and faults of one stub, durable through its journal."""

    role: Role
    name: str
    build: str
    services: tuple[str, ...]
    journal: Journal
    job_seconds: float = 2.0
    faults: Faults = field(default_factory=Faults)
    jobs: dict[str, Job] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _unfinished: set[str] = field(default_factory=set)

    # -- loading ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        role: Role,
        name: str,
        build: str,
        services: tuple[str, ...],
        state_file: Path | None,
        job_seconds: float = 2.0,
    ) -> StubEngine:
        """Replay the journal (if any), compact it, and return the engine."""
        entries = list(replay(state_file)) if state_file else []
        engine = cls(role, name, build, services, Journal(None), job_seconds)
        for entry in entries:
            engine._apply(entry)
        engine.journal = Journal(state_file)
        engine.journal.compact(engine._snapshot())
        return engine

    def _apply(self, entry: dict[str, Any]) -> None:
        kind = entry.get("kind")
        if kind == "job":
            resource = entry.get("resource")
            if resource is not None:
                self.resources[resource["id"]] = resource
            removed = entry.get("resource_removed")
            if removed is not None:
                self.resources.pop(removed, None)
            fields = {k: v for k, v in entry.items() if k not in _OUTCOME_KEYS}
            job = Job(**fields)
            job.state = JobState(job.state)
            self.jobs[job.id] = job
            self.by_key[job.key] = job.id
            if job.state.finished:
                self._unfinished.discard(job.id)
            else:
                self._unfinished.add(job.id)
        elif kind == "resource":
            self.resources[entry["id"]] = {k: v for k, v in entry.items() if k != "kind"}

    def _snapshot(self) -> list[dict[str, Any]]:
        return [
            *(self._job_entry(j) for j in self.jobs.values()),
            *({"kind": "resource", **r} for r in self.resources.values()),
        ]

    @staticmethod
    def _job_entry(job: Job) -> dict[str, Any]:
        return {
            "kind": "job",
            "id": job.id,
            "key": job.key,
            "operation": job.operation,
            "service": job.service,
            "parameters": job.parameters,
            "submitted_at": job.submitted_at,
            "duration": job.duration,
            "will_fail": job.will_fail,
            "state": job.state.value,
            "result": job.result,
            "error": job.error,
            "finished_at": job.finished_at,
        }

    # -- the protocol's operations -----------------------------------------------------

    def status(self) -> dict[str, Any]:
        """``GET /v1/status``."""
        return {
            "role": self.role.value,
            "name": self.name,
            "build": self.faults.build or self.build,
            "running": self.faults.mode is not Mode.STOPPED,
            "services": list(self.services),
            "protocol": 1,
        }

    def submit(
        self, key: str, operation: str, service: str, parameters: dict[str, Any]
    ) -> tuple[Job, bool]:
        """Submit a job; the same key returns the same job. Returns (job, created).

        Raises:
            CatalogError: outside the catalog, naming the parameter.
            Conflict: the key was used for a different request.
        """
        clean = validate_request(operation, service, parameters, self.services)
        with self._lock:
            existing = self.by_key.get(key)
            if existing is not None:
                job = self.jobs[existing]
                if (job.operation, job.service, job.parameters) != (operation, service, clean):
                    raise Conflict(f"idempotency key {key!r} was used for a different request")
                return job, False
            if operation != "provision":
                resource = self.resources.get(clean["resource_id"])
                if resource is None:
                    raise CatalogError("parameters.resource_id", "no such resource on this server")
                if resource["service"] != service:
                    raise CatalogError(
                        "parameters.resource_id",
                        f"is a {CATALOG[resource['service']].title} resource, not {service}",
                    )
            job = Job(
                id=uuid.uuid4().hex,
                key=key,
                operation=operation,
                service=service,
                parameters=clean,
                submitted_at=time.time(),
                duration=self.job_seconds * random.uniform(0.8, 1.2),
                will_fail=random.random() < self.faults.fail_rate,
            )
            self.journal.append(self._job_entry(job))
            self.jobs[job.id] = job
            self.by_key[key] = job.id
            self._unfinished.add(job.id)
            return job, True

    def job(self, job_id: str) -> Job | None:
        """The job, brought up to date with the clock."""
        self.advance()
        return self.jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job that has not finished.

        Raises:
            Conflict: the job already finished.
        """
        self.advance()
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return None
            if job.state.finished:
                if job.state is JobState.CANCELLED:
                    return job
                raise Conflict(f"job {job_id} already {job.state.value}")
            job.state = JobState.CANCELLED
            job.finished_at = time.time()
            self.journal.append(self._job_entry(job))
            return job

    def resource_list(self) -> list[dict[str, Any]]:
        """``GET /v1/resources``: what this server holds, oldest first."""
        self.advance()
        with self._lock:
            return sorted(self.resources.values(), key=lambda r: r["created_at"])

    # -- the clock ----------------------------------------------------------------------

    def advance(self) -> None:
        """Finish every job whose time is up (called by a ticker and before answers)."""
        now = time.time()
        with self._lock:
            for job_id in list(self._unfinished):
                job = self.jobs[job_id]
                if job.state.finished:
                    self._unfinished.discard(job_id)
                elif now >= job.submitted_at + QUEUE_SECONDS + job.duration:
                    self._finish(job, now)
                    self._unfinished.discard(job_id)

    def _finish(self, job: Job, now: float) -> None:
        """Finish ``job``; its outcome and its effect on the resources are one entry."""
        job.finished_at = now
        entry: dict[str, Any] = {}
        if job.will_fail:
            job.error = (  # the outcome before the state: readers never see one alone
                f"{CATALOG[job.service].title} on {self.name} refused the {job.operation}: "
                "simulated failure (fault injection)"
            )
            job.state = JobState.FAILED
        elif job.operation == "provision":
            resource = {
                "id": f"{job.service}-{job.id[:12]}",
                "service": job.service,
                "name": job.parameters["name"],
                "quotas": {k: v for k, v in job.parameters.items() if k != "name"},
                "job_id": job.id,
                "created_at": now,
            }
            self.resources[resource["id"]] = resource
            entry["resource"] = resource
            job.result, job.state = {"resource_id": resource["id"]}, JobState.SUCCEEDED
        elif job.operation == "update":
            current = self.resources.get(job.parameters["resource_id"])
            if current is None:
                job.error, job.state = "the resource no longer exists", JobState.FAILED
            else:
                changes = {
                    k: v for k, v in job.parameters.items() if k not in ("resource_id", "name")
                }
                current["quotas"] = {**current["quotas"], **changes}
                entry["resource"] = current
                job.result, job.state = {"resource_id": current["id"]}, JobState.SUCCEEDED
        elif job.operation in ("suspend", "resume"):
            current = self.resources.get(job.parameters["resource_id"])
            if current is None:
                job.error, job.state = "the resource no longer exists", JobState.FAILED
            else:
                current["suspended"] = job.operation == "suspend"
                entry["resource"] = current
                job.result, job.state = {"resource_id": current["id"]}, JobState.SUCCEEDED
        else:
            resource_id = job.parameters["resource_id"]
            self.resources.pop(resource_id, None)
            entry["resource_removed"] = resource_id
            job.result, job.state = {"resource_id": resource_id}, JobState.SUCCEEDED
        self.journal.append({**self._job_entry(job), **entry})
