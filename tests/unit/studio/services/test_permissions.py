"""Every service checks the actor's role itself: a table of services by roles.

Hiding a button is never the check. Each row calls a service as each role and expects
either a result or a PermissionDenied that names the action.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from studio.context import Studio
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.reseller_formats import CSV_COLUMNS
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.domain.user_rules import NewUserInput
from studio.domain.website_rules import DEFAULT_WEBSITE
from studio.services import (
    audit_log,
    database,
    jobs,
    offerings,
    reseller_list,
    reseller_settings,
    reseller_transfer,
    resellers,
    servers,
    stored_text,
    subscriptions,
    users,
    website,
)
from studio.services.audit_log import AuditFilter
from tests.support.resellers import sample_reseller

TOKEN = "a-token-for-the-table-0123"
NEW_USER = NewUserInput(
    "table.user",
    "Table User",
    "t@example.com",
    "a long and uncommon passphrase",
    "a long and uncommon passphrase",
)

#: (action named in the error, call) — the call takes the studio, the actor and a folder.
CALLS: list[tuple[str, Callable[[Studio, Actor, Path], Any]]] = [
    ("view configuration", lambda s, a, _p: website.get_website_settings(s, a)),
    (
        "edit configuration",
        lambda s, a, _p: website.save_website_settings(s, a, DEFAULT_WEBSITE.as_input()),
    ),
    ("view configuration", lambda s, a, _p: database.describe_database(s, a)),
    ("view configuration", lambda s, a, _p: stored_text.check_stored_text(s, a)),
    ("view configuration", lambda s, a, _p: servers.list_remote_servers(s, a)),
    (
        "edit configuration",
        lambda s, a, _p: servers.add_remote_server(
            s, a, RemoteServerInput("T1", "10.0.0.9", "8443", ("dns",), TOKEN)
        ),
    ),
    ("view configuration", lambda s, a, _p: servers.get_provisioning_settings(s, a)),
    (
        "edit configuration",
        lambda s, a, _p: servers.save_provisioning_settings(
            s, a, ProvisioningInput("embedded", "", "")
        ),
    ),
    ("view the audit log", lambda s, a, _p: audit_log.list_audit_events(s, a, AuditFilter())),
    ("view the audit log", lambda s, a, _p: audit_log.audit_choices(s, a)),
    ("view the audit log", lambda s, a, _p: audit_log.count_audit_events(s, a)),
    ("view the audit log", lambda s, a, _p: audit_log.verify_audit_log(s, a)),
    (
        "view the audit log",
        lambda s, a, p: audit_log.export_audit_csv(s, a, AuditFilter(), p / "a.csv"),
    ),
    ("manage users", lambda s, a, _p: users.list_users(s, a)),
    ("manage users", lambda s, a, _p: users.create_user(s, a, NEW_USER)),
    ("manage users", lambda s, a, _p: users.save_login_policy(s, a, users.LoginPolicyView())),
    ("view configuration", lambda s, a, _p: users.get_login_policy(s, a)),
    ("view configuration", lambda s, a, _p: reseller_settings.get_reseller_settings(s, a)),
    (
        "edit configuration",
        lambda s, a, _p: reseller_settings.save_reseller_settings(
            s,
            a,
            [t.as_input() for t in reseller_settings.get_reseller_settings(s, s_admin()).values()],
        ),
    ),
    ("view configuration", lambda s, a, _p: reseller_list.count_by_type(s, a)),
    ("view resellers", lambda s, a, _p: reseller_list.list_resellers(s, a)),
    ("view resellers", lambda s, a, p: reseller_transfer.export_resellers(s, a, p / "r.csv")),
    ("manage resellers", lambda s, a, _p: resellers.create_reseller(s, a, sample_reseller())),
    ("manage resellers", lambda s, a, _p: resellers.availability_errors(s, a, "x.y", "x@y.z")),
    ("manage resellers", lambda s, a, p: reseller_transfer.import_resellers(s, a, _header_only(p))),
    ("view configuration", lambda s, a, _p: offerings.list_offerings(s, a)),
    (
        "edit configuration",
        lambda s, a, _p: offerings.save_offering(
            s, a, offerings.OfferingInput("T", "dns", "customer", {"zones": "1"}, "1")
        ),
    ),
    (
        "edit configuration",
        lambda s, a, _p: _expect_field_error(lambda: offerings.delete_offering(s, a, 999)),
    ),
    ("view resellers", lambda s, a, _p: offerings.reseller_offerings(s, a, 1)),
    (
        "manage resellers",
        lambda s, a, _p: _expect_field_error(
            lambda: offerings.set_reseller_offerings(s, a, 999, [])
        ),
    ),
    ("view resellers", lambda s, a, _p: jobs.list_jobs(s, a)),
    ("view resellers", lambda s, a, _p: jobs.count_running_jobs(s, a)),
    ("view resellers", lambda s, a, _p: subscriptions.list_subscriptions(s, a, 1)),
    (
        "manage resellers",
        lambda s, a, _p: _expect_field_error(
            lambda: subscriptions.subscribe_reseller(
                s, a, subscriptions.SubscribeInput(999, "exchange", "X", {})
            )
        ),
    ),
    (
        "manage resellers",
        lambda s, a, _p: _expect(jobs.JobNotFound, lambda: jobs.retry_job(s, a, 999)),
    ),
    (
        "manage resellers",
        lambda s, a, _p: _expect(jobs.JobNotFound, lambda: jobs.cancel_job(s, a, 999)),
    ),
]


def _expect(kind: type[Exception], call: Callable[[], object]) -> None:
    """Allowed roles get past the permission check to the service's own refusal."""
    with pytest.raises(kind):
        call()


def _expect_field_error(call: Callable[[], object]) -> None:
    from studio.errors import FieldError

    _expect(FieldError, call)


def s_admin() -> Actor:
    """The administrator who reads what the call then saves."""
    return Actor.local_administrator()


def _header_only(folder: Path) -> Path:
    path = folder / "empty.csv"
    path.write_text(",".join(CSV_COLUMNS) + "\n", encoding="utf-8")
    return path


#: What each role may do, by the action's words.
ALLOWED = {
    Role.PROVIDER_ADMINISTRATOR: {
        "view configuration",
        "edit configuration",
        "view the audit log",
        "manage users",
        "view resellers",
        "manage resellers",
    },
    Role.PROVIDER_STAFF: {"view configuration", "view the audit log", "view resellers"},
    Role.RESELLER: set(),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize(
    ("action", "call"), CALLS, ids=[f"{n}-{a}" for n, (a, _c) in enumerate(CALLS)]
)
def test_each_service_checks_the_role(
    studio: Studio,
    tmp_path: Path,
    role: Role,
    action: str,
    call: Callable[[Studio, Actor, Path], Any],
) -> None:
    actor = Actor(f"someone ({role.value})", role)
    if action in ALLOWED[role]:
        call(studio, actor, tmp_path)  # no PermissionDenied
    else:
        with pytest.raises(PermissionDenied) as denied:
            call(studio, actor, tmp_path)
        assert action in str(denied.value)
        assert role.value in str(denied.value)
