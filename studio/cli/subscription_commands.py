"""Command-line handlers of subscriptions and provisioning jobs.

``subscribe RESELLER --service S --server NAME --quota k=v ... [--wait]``, and
``jobs list|retry|cancel|wait``. Without ``--wait`` a subscription's job is left
``pending`` for the window's job runner or ``jobs wait`` to carry out; with it, this
process runs the job runner until the job ends (exit 0 when the subscription is active,
1 when the job failed or was cancelled).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, TextIO

from studio.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    act,
    actor_for,
    embedded_provisioning,
    job_outcome,
    opened,
    parse_quotas,
    positive_id,
    run_job,
    run_jobs_until,
    wait_seconds,
)


def cmd_subscribe(args: argparse.Namespace, out: TextIO) -> int:
    """Subscribe As Reseller; with ``--wait``, until the subscription is active or failed."""
    from studio.services.subscriptions import (  # start-up
        SubscribeInput,
        precheck_subscribe,
        subscribe_reseller,
    )

    data = SubscribeInput(args.reseller, args.service, args.server, parse_quotas(args.quota or []))
    with opened(args) as studio:
        actor = actor_for(args, studio)
        precheck_subscribe(studio, actor, data)  # refused before the stubs register anything
        with embedded_provisioning(studio, actor):
            view = subscribe_reseller(studio, actor, data)
            assert view.job is not None
            job_id = view.job.id
            print(
                f"subscription {view.id}: {view.service} on {view.server}, job {job_id} pending",
                file=out,
                flush=True,
            )
            if not args.wait:
                print(
                    "the job runs when the studio is open or `machpanel-studio jobs wait` runs",
                    file=out,
                )
                return EXIT_OK
            finished, job = run_job(studio, actor, job_id, args.timeout)
    return job_outcome(job, finished, args.timeout, f"subscription {view.id} is active", out)


def cmd_jobs_list(args: argparse.Namespace, out: TextIO) -> int:
    """Jobs, newest first."""
    from studio.services.jobs import list_jobs  # start-up

    jobs = act(args, list_jobs, unfinished_only=args.unfinished)
    if args.json:
        print(json.dumps([j.as_json() for j in jobs], indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    for j in jobs:
        print(
            f"{j.id:>6}  {j.state:<10} {j.progress:>3}%  {j.operation:<11} {j.service:<10} "
            f"{j.server:<8} {j.reseller}" + (f"  — {j.error}" if j.error else ""),
            file=out,
        )
    print(f"{len(jobs)} jobs", file=out)
    return EXIT_OK


def cmd_jobs_retry(args: argparse.Namespace, out: TextIO) -> int:
    """A failed or cancelled job again."""
    from studio.services.jobs import retry_job  # start-up

    job = act(args, retry_job, args.id)
    print(f"job {job.id} pending (retry of job {args.id})", file=out)
    return EXIT_OK


def cmd_jobs_cancel(args: argparse.Namespace, out: TextIO) -> int:
    """Ask for a job to be cancelled (on the server too, by the runner)."""
    from studio.services.jobs import cancel_job  # start-up

    job = act(args, cancel_job, args.id)
    print(f"job {job.id} is cancelling", file=out)
    return EXIT_OK


def cmd_jobs_wait(args: argparse.Namespace, out: TextIO) -> int:
    """Run the job runner until no job is unfinished (resumes jobs a killed studio left)."""
    from studio.services.jobs import count_running_jobs, list_jobs  # start-up

    started = time.monotonic()
    with opened(args) as studio:
        actor = actor_for(args, studio)
        before = {j.id for j in list_jobs(studio, actor, unfinished_only=True)}
        with embedded_provisioning(studio, actor):
            done = run_jobs_until(
                studio, actor, lambda: count_running_jobs(studio, actor) == 0, args.timeout
            )
        jobs = [j for j in list_jobs(studio, actor) if j.id in before]
    for j in sorted(jobs, key=lambda j: j.id):
        print(f"job {j.id}: {j.state}" + (f" — {j.error}" if j.error else ""), file=out)
    if not done:
        print(f"jobs still unfinished after {args.timeout:.0f} s", file=out)
        return EXIT_FAILURE
    print(f"no unfinished jobs ({time.monotonic() - started:.1f} s)", file=out)
    return EXIT_OK if all(j.state == "succeeded" for j in jobs) else EXIT_FAILURE


def cmd_subscription_list(args: argparse.Namespace, out: TextIO) -> int:
    """A reseller's subscriptions with their current job."""
    from studio.services.subscriptions import list_subscriptions  # start-up

    subs = act(args, list_subscriptions, args.reseller)
    if args.json:
        data = [
            {
                "id": s.id,
                "service": s.service,
                "server": s.server,
                "quotas": s.quotas,
                "status": s.status,
                "resource_id": s.resource_id,
                "job": s.job.as_json() if s.job else None,
            }
            for s in subs
        ]
        print(json.dumps(data, indent=2), file=out)
        return EXIT_OK
    for s in subs:
        quotas = ", ".join(f"{k}={v}" for k, v in s.quotas.items())
        print(f"{s.id:>5}  {s.service:<10} {s.server:<8} {s.status:<10} {quotas}", file=out)
    print(f"{len(subs)} subscriptions", file=out)
    return EXIT_OK


def cmd_subscription_addon(args: argparse.Namespace, out: TextIO) -> int:
    """Add an add-on to an active subscription (an update job)."""
    from studio.services.subscriptions import add_addon  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)
        job = add_addon(studio, actor, args.subscription, args.addon)
        print(f"job {job.id} pending: update of subscription {args.subscription}", file=out)
        if not args.wait:
            return EXIT_OK
        with embedded_provisioning(studio, actor):
            finished, job = run_job(studio, actor, job.id, args.timeout)
    if finished and job.state == "succeeded":
        print(f"subscription {args.subscription} updated", file=out)
        return EXIT_OK
    print(f"job {job.id} {job.state}: {job.error}", file=out)
    return EXIT_FAILURE


def add_commands(commands: Any) -> None:
    """Add ``subscribe`` and ``jobs …``."""
    subscribe = commands.add_parser(
        "subscribe", help="Subscribe As Reseller: a service on a Remote Server"
    )
    subscribe.add_argument("reseller", type=positive_id, help="the reseller's id")
    subscribe.add_argument("--service", required=True, help="exchange, sharepoint, web, dns, mssql")
    subscribe.add_argument("--server", required=True, help="the Remote Server's name")
    subscribe.add_argument("--quota", action="append", metavar="NAME=VALUE")
    subscribe.add_argument("--wait", action="store_true", help="until active or failed")
    subscribe.add_argument(
        "--timeout", type=wait_seconds, default=300.0, help="with --wait, seconds"
    )
    subscribe.set_defaults(handler=cmd_subscribe)
    subscription = commands.add_parser("subscription", help="a reseller's subscriptions")
    verbs = subscription.add_subparsers(
        title="subscription commands", metavar="ACTION", required=True
    )
    sub_list = verbs.add_parser("list", help="a reseller's subscriptions")
    sub_list.add_argument("reseller", type=positive_id)
    sub_list.add_argument("--json", action="store_true")
    sub_list.set_defaults(handler=cmd_subscription_list)
    addon = verbs.add_parser("addon", help="add an add-on's resources (an update job)")
    addon.add_argument("subscription", type=positive_id)
    addon.add_argument("--addon", type=positive_id, required=True, help="the add-on's id")
    addon.add_argument("--wait", action="store_true")
    addon.add_argument("--timeout", type=wait_seconds, default=300.0)
    addon.set_defaults(handler=cmd_subscription_addon)
    jobs = commands.add_parser("jobs", help="provisioning jobs")
    actions = jobs.add_subparsers(title="jobs commands", metavar="ACTION", required=True)
    list_ = actions.add_parser("list", help="jobs, newest first")
    list_.add_argument("--unfinished", action="store_true", help="only those still running")
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    list_.set_defaults(handler=cmd_jobs_list)
    retry = actions.add_parser("retry", help="run a failed or cancelled job again")
    retry.add_argument("id", type=positive_id)
    retry.set_defaults(handler=cmd_jobs_retry)
    cancel = actions.add_parser("cancel", help="cancel a job that has not finished")
    cancel.add_argument("id", type=positive_id)
    cancel.set_defaults(handler=cmd_jobs_cancel)
    wait = actions.add_parser(
        "wait", help="carry out every unfinished job (e.g. those a killed studio left)"
    )
    wait.add_argument("--timeout", type=wait_seconds, default=300.0, help="seconds (default 300)")
    wait.set_defaults(handler=cmd_jobs_wait)
