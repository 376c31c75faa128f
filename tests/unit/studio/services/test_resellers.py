"""Reseller Customers, studio side: create, edit with a version check, status, delete."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from studio.context import Studio, open_studio
from studio.db.models import AuditEvent, Reseller
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.contact import (
    LIMITS,
)
from studio.domain.reseller_rules import Address, Company, Department
from studio.domain.reseller_settings_rules import ResellerTypeInput
from studio.domain.validation import text_value
from studio.errors import ConflictError, FieldError
from studio.security.passwords import verify_password
from studio.services.reseller_list import count_by_type, filter_rows, list_resellers
from studio.services.reseller_settings import get_reseller_settings, save_reseller_settings
from studio.services.resellers import (
    ResellerNotFound,
    availability_errors,
    create_reseller,
    delete_reseller,
    get_reseller,
    set_reseller_status,
    update_reseller,
)
from tests.support.resellers import PASSWORD, sample_reseller
from tests.unit.studio.domain.test_reseller_rules import names


def test_create_normalises_hashes_and_records(studio: Studio, admin: Actor) -> None:
    created = create_reseller(studio, admin, sample_reseller(email="  Ada1@Example.COM "))
    assert created.data.email == "Ada1@Example.COM"
    assert created.data.phone == "+442079460958"
    assert created.data.company.website == "https://engines.example.com"
    assert [d.name for d in created.data.company.departments] == ["Billing", "Sales", "Support"]
    assert created.data.company.departments[0].signature == "Kind regards,\nBilling team"
    assert created.status == "active" and created.version == 1 and created.has_password
    with studio.unit_of_work() as session:
        row = session.get(Reseller, created.id)
        assert row is not None and verify_password(row.password_hash, PASSWORD)
        assert PASSWORD not in str(session.scalars(select(AuditEvent.changes)).all())
    assert [h.action for h in created.history] == ["reseller.create"]


def test_invalid_input_names_every_field_and_writes_nothing(studio: Studio, admin: Actor) -> None:
    bad = sample_reseller(
        email="not-an-address",
        phone="12",
        first_name=" ",
        password="short",
        company=Company(name="", departments=(Department("Billing", email="x@"),)),
    )
    with pytest.raises(FieldError) as caught:
        create_reseller(studio, admin, bad)
    assert caught.value.errors == {
        "password": "must be at least 12 characters",
        "first_name": "is required",
        "email": "An email address must have an @-sign.",
        "phone": "is not a valid phone number for its country",
        "company.name": "is required",
        "company.departments.Billing.email": "There must be something after the @-sign.",
    }
    assert list_resellers(studio, admin) == []


def test_username_and_email_are_unique_whatever_the_case(studio: Studio, admin: Actor) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    with pytest.raises(FieldError) as caught:
        create_reseller(
            studio, admin, sample_reseller(2, username="RESELLER1", email="ADA1@example.com")
        )
    assert caught.value.errors == {
        "username": "is already used by another reseller",
        "email": "is already used by another reseller",
    }
    assert availability_errors(studio, admin, "Reseller1", "new@example.com") == {
        "username": "is already used by another reseller"
    }


def test_disabled_type_is_refused_for_new_resellers_but_kept(studio: Studio, admin: Actor) -> None:
    kept = create_reseller(studio, admin, sample_reseller(1, type="commission"))
    settings = get_reseller_settings(studio, admin)
    inputs: list[ResellerTypeInput] = [s.as_input() for s in settings.values()]
    inputs[0] = replace(inputs[0], enabled=False)
    save_reseller_settings(studio, admin, inputs)
    assert count_by_type(studio, admin) == {"commission": 1, "subscription": 0}
    with pytest.raises(FieldError) as caught:
        create_reseller(studio, admin, sample_reseller(2, type="commission"))
    assert caught.value.errors == {
        "type": "Commission Based resellers are disabled in Reseller Settings"
    }
    edited = update_reseller(
        studio,
        admin,
        kept.id,
        replace(kept.data, address=replace(kept.data.address, city="Leeds")),
        kept.version,
    )
    assert (edited.data.address.city, edited.data.type) == ("Leeds", "commission")


def test_the_second_of_two_edits_is_refused_with_who_and_when(studio: Studio, admin: Actor) -> None:
    created = create_reseller(studio, admin, sample_reseller())
    other = Actor("mallory", Role.PROVIDER_ADMINISTRATOR)
    first = update_reseller(
        studio, other, created.id, replace(created.data, first_name="Augusta"), created.version
    )
    assert first.version == created.version + 1
    with pytest.raises(ConflictError) as caught:
        update_reseller(
            studio, admin, created.id, replace(created.data, last_name="King"), created.version
        )
    assert caught.value.changed_by == "mallory"
    assert "changed by mallory" in str(caught.value)
    assert get_reseller(studio, admin, created.id).data.last_name == created.data.last_name


def test_concurrent_saves_of_the_same_version_one_wins(studio: Studio, admin: Actor) -> None:
    created = create_reseller(studio, admin, sample_reseller())
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def save(n: int) -> None:
        start.wait()
        try:
            data = replace(created.data, address=replace(created.data.address, city=f"City {n}"))
            update_reseller(studio, admin, created.id, data, created.version)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    assert get_reseller(studio, admin, created.id).version == created.version + 1


def test_suspend_activate_delete_keep_the_history(studio: Studio, admin: Actor) -> None:
    created = create_reseller(studio, admin, sample_reseller())
    assert set_reseller_status(studio, admin, created.id, "suspended").status == "suspended"
    assert set_reseller_status(studio, admin, created.id, "active").status == "active"
    assert delete_reseller(studio, admin, created.id) == "Ada Lovelace1"
    with pytest.raises(ResellerNotFound):
        get_reseller(studio, admin, created.id)
    with studio.unit_of_work() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.changes).where(
                AuditEvent.entity == "reseller", AuditEvent.entity_id == str(created.id)
            )
        ).all()
    actions = [action for action, _ in events]
    assert actions == [
        "reseller.create",
        "reseller.suspend",
        "reseller.activate",
        "reseller.delete",
    ]
    assert events[-1][1]["email"] == ["ada1@example.com", None]


def test_the_world_s_text_is_stored_as_typed(studio: Studio, admin: Actor) -> None:
    company = replace(
        sample_reseller().company,
        name="שלום Robert'); DROP TABLE reseller;--",
        tax_id="<b>VAT</b>",
    )
    created = create_reseller(
        studio, admin, sample_reseller(company=company, first_name="Zoë 🚀", last_name="王小明")
    )
    again = get_reseller(studio, admin, created.id)
    assert (again.data.first_name, again.data.last_name) == ("Zoë 🚀", "王小明")
    assert again.data.company.name == "שלום Robert'); DROP TABLE reseller;--"
    assert again.data.company.tax_id == "<b>VAT</b>"
    assert filter_rows(list_resellers(studio, admin), "DROP table")[0].id == created.id


def test_over_long_values_are_refused_with_the_limit(studio: Studio, admin: Actor) -> None:
    with pytest.raises(FieldError) as caught:
        create_reseller(
            studio,
            admin,
            sample_reseller(
                first_name="x" * 65,
                address=Address("y" * 121, "", "London", "", "", "GB"),
            ),
        )
    assert caught.value.errors["first_name"] == "must be at most 64 characters (this is 65)"
    assert caught.value.errors["address_line1"] == "must be at most 120 characters (this is 121)"


def test_search_looks_in_name_company_email_and_username(studio: Studio, admin: Actor) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    create_reseller(
        studio, admin, sample_reseller(2, email="grace@navy.example", username="ghopper")
    )
    rows = list_resellers(studio, admin)
    assert [r.username for r in filter_rows(rows, "NAVY")] == ["ghopper"]
    assert [r.username for r in filter_rows(rows, "engines 1")] == ["reseller1"]
    assert [r.username for r in filter_rows(rows, "lovelace")] == ["reseller1", "ghopper"]
    assert len(filter_rows(rows, "  ")) == 2


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.RESELLER])
def test_only_administrators_change_resellers(studio: Studio, admin: Actor, role: Role) -> None:
    created = create_reseller(studio, admin, sample_reseller())
    actor = Actor("someone", role)
    for call in (
        lambda: create_reseller(studio, actor, sample_reseller(2)),
        lambda: set_reseller_status(studio, actor, created.id, "suspended"),
        lambda: delete_reseller(studio, actor, created.id),
        lambda: update_reseller(studio, actor, created.id, created.data, created.version),
    ):
        with pytest.raises(PermissionDenied):
            call()
    if role is Role.PROVIDER_STAFF:
        assert [r.id for r in list_resellers(studio, actor)] == [created.id]
    else:
        with pytest.raises(PermissionDenied):
            list_resellers(studio, actor)


def test_two_studios_on_one_database_cannot_overwrite_each_other(
    data_dir: Path, admin: Actor
) -> None:
    first, second = open_studio(data_dir), open_studio(data_dir)
    try:
        created = create_reseller(first, admin, sample_reseller())
        in_second = get_reseller(second, admin, created.id)
        update_reseller(
            first,
            Actor("mallory", Role.PROVIDER_ADMINISTRATOR),
            created.id,
            replace(created.data, first_name="Augusta", password=None),
            created.version,
        )
        with pytest.raises(ConflictError) as caught:
            update_reseller(
                second,
                admin,
                created.id,
                replace(in_second.data, last_name="King"),
                in_second.version,
            )
        assert caught.value.changed_by == "mallory"
        final = get_reseller(second, admin, created.id).data
        assert (final.first_name, final.last_name) == ("Augusta", "Lovelace1")
    finally:
        first.close()
        second.close()


def test_a_new_logo_of_the_same_size_is_saved_and_recorded(studio: Studio, admin: Actor) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"a" * 100
    other = b"\x89PNG\r\n\x1a\n" + b"b" * 100
    created = create_reseller(
        studio, admin, sample_reseller(company=replace(sample_reseller().company, logo=png))
    )
    data = replace(created.data, company=replace(created.data.company, logo=other))
    saved = update_reseller(studio, admin, created.id, data, created.version)
    assert saved.data.company.logo == other
    assert [h.action for h in saved.history] == ["reseller.create", "reseller.update"]
    unchanged = update_reseller(studio, admin, saved.id, saved.data, saved.version)
    assert unchanged.version == saved.version and len(unchanged.history) == 2


def test_setting_the_first_password_is_recorded_as_new(studio: Studio, admin: Actor) -> None:
    created = create_reseller(studio, admin, sample_reseller(password=None), require_password=False)
    assert not created.has_password
    data = replace(created.data, password=PASSWORD, password_confirmation=PASSWORD)
    saved = update_reseller(studio, admin, created.id, data, created.version)
    assert saved.has_password
    with studio.unit_of_work() as session:
        changes = session.scalars(
            select(AuditEvent.changes).where(AuditEvent.action == "reseller.update")
        ).one()
    assert changes == {"password": [None, "********"]}
    assert PASSWORD not in repr(data)


# The autouse fixtures (data folder, keyring) are function-scoped; the examples share one
# database of their own instead.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=names, last=names, company=names, city=names)
def test_create_stores_what_it_accepts(first: str, last: str, company: str, city: str) -> None:
    base = sample_reseller()
    data = replace(
        base,
        first_name=first,
        last_name=last,
        company=replace(base.company, name=company),
        address=replace(base.address, city=city),
        password=None,
    )
    studio = _shared_studio()
    actor = Actor.local_administrator()
    # Which fields must be refused, by the text rule alone (the other fields are valid).
    limits = {"first_name": "name", "last_name": "name", "company.name": "company", "city": "city"}
    values = {"first_name": first, "last_name": last, "company.name": company, "city": city}
    refused = {f for f, v in values.items() if text_value(v, LIMITS[limits[f]], required=True)[1]}
    try:
        created = create_reseller(studio, actor, data, require_password=False)
    except FieldError as exc:
        assert set(exc.errors) == refused
        return
    assert refused == set()
    stored = get_reseller(studio, actor, created.id).data
    assert (stored.first_name, stored.last_name) == (first.strip(), last.strip())
    assert (stored.company.name, stored.address.city) == (company.strip(), city.strip())
    delete_reseller(studio, actor, created.id)


def _shared_studio() -> Studio:
    """One database for every example (opening one per example would be slow)."""
    import tempfile

    if not _STUDIO:
        _STUDIO.append(open_studio(Path(tempfile.mkdtemp(prefix="hypothesis-studio-"))))
    return _STUDIO[0]


_STUDIO: list[Studio] = []
