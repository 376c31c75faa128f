"""The reseller panel's door: who may work in it, the agreement, and opening it "as".

Every panel service starts with :func:`panel_reseller`, which takes the reseller from
the *actor*, never from an argument: a reseller cannot name another reseller's data,
and a provider actor is refused (a provider opens the panel "as" the reseller through
:func:`open_panel_as`, which the audit log records). A reseller signed in itself must
have accepted its type's agreement terms (Reseller Settings) before anything else; a
provider working "as" it is not accepting on its behalf, so is not asked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import Reseller, utcnow
from studio.domain.actors import Actor, Permission
from studio.domain.reseller_rules import full_name
from studio.errors import FieldError
from studio.services.reseller_settings import type_settings


@dataclass(frozen=True)
class AgreementView:
    """The terms a reseller is asked to accept, and whether it has (these terms)."""

    type_label: str
    terms: str
    accepted_at: dt.datetime | None
    needs_acceptance: bool


@dataclass(frozen=True)
class PanelView:
    """Who the panel belongs to (its Home page and title bar)."""

    reseller_id: int
    username: str
    name: str
    company: str
    type: str
    type_label: str
    status: str
    oversell_allowed: bool
    opened_by: str | None


def _terms_sha(terms: str) -> str:
    return hashlib.sha256(terms.encode()).hexdigest()


def panel_reseller(session: Session, actor: Actor, *, changing: bool = False) -> Reseller:
    """The actor's own reseller, checked for the panel.

    Raises:
        PermissionDenied: a provider actor (it must open the panel as the reseller).
        FieldError: ``agreement`` not accepted yet (a reseller signed in itself), or
            ``reseller`` suspended for a change (``changing``).
    """
    reseller_id = actor.panel_reseller()
    reseller = session.get(Reseller, reseller_id)
    if reseller is None:
        raise FieldError.single("reseller", f"reseller {reseller_id} no longer exists")
    if actor.on_behalf_of is None:
        terms = type_settings(session, reseller.type).terms
        if reseller.agreement_accepted_at is None or reseller.agreement_sha256 != _terms_sha(terms):
            raise FieldError.single("agreement", "must be accepted before using the panel")
    if changing and reseller.status != "active":
        raise FieldError.single("reseller", "is suspended: the provider must activate it first")
    return reseller


def panel(studio: Studio, actor: Actor) -> PanelView:
    """The panel's owner, as its Home page shows it."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        kind = type_settings(session, reseller.type)
        return PanelView(
            reseller.id,
            reseller.username,
            full_name(reseller.first_name, reseller.last_name),
            reseller.company_name,
            reseller.type,
            kind.label,
            reseller.status,
            reseller.oversell_allowed,
            actor.on_behalf_of,
        )


def agreement(studio: Studio, actor: Actor) -> AgreementView:
    """The agreement terms of the actor's reseller type, and whether to ask."""
    reseller_id = actor.panel_reseller()
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} no longer exists")
        kind = type_settings(session, reseller.type)
        accepted = (
            reseller.agreement_accepted_at is not None
            and reseller.agreement_sha256 == _terms_sha(kind.terms)
        )
        return AgreementView(
            kind.label,
            kind.terms,
            reseller.agreement_accepted_at if accepted else None,
            needs_acceptance=not accepted and actor.on_behalf_of is None,
        )


def accept_agreement(studio: Studio, actor: Actor, terms_shown: str) -> AgreementView:
    """Record that the reseller accepted the terms it was shown.

    ``terms_shown`` is the text the reseller read: if an administrator changed the terms
    meanwhile, nothing is recorded and the new terms must be read first.

    Raises:
        FieldError: ``agreement`` (only the reseller itself can accept; the terms
            changed meanwhile).
    """
    reseller_id = actor.panel_reseller()
    if actor.on_behalf_of is not None:
        raise FieldError.single("agreement", "only the reseller itself can accept its terms")
    now = utcnow()
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} no longer exists")
        kind = type_settings(session, reseller.type)
        if terms_shown != kind.terms:
            raise FieldError.single("agreement", "the terms changed meanwhile: read them again")
        sha = _terms_sha(kind.terms)
        # A plain update: accepting is not an edit of the reseller's details (its
        # version, which an administrator's open Edit holds, stays).
        session.execute(
            update(Reseller)
            .where(Reseller.id == reseller_id)
            .values(agreement_accepted_at=now, agreement_sha256=sha)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor,
            action="reseller.agreement_accept",
            entity="reseller",
            entity_id=reseller_id,
            changes={"agreement_sha256": [reseller.agreement_sha256 or None, sha]},
            summary=f"{reseller.username} accepted the {kind.label} agreement terms",
        )
        return AgreementView(kind.label, kind.terms, now, needs_acceptance=False)


def panel_as(studio: Studio, actor: Actor, reseller_id: int) -> Actor:
    """The actor of a provider administrator working in a reseller's panel, recording
    nothing: the command line records the opening (:func:`open_panel_as`) only once its
    command succeeded, so that a refused command leaves no trace."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} does not exist")
        return Actor.reseller(reseller.id, reseller.username, on_behalf_of=actor.name)


def open_panel_as(studio: Studio, actor: Actor, reseller_id: int) -> Actor:
    """A provider administrator opens a reseller's panel as that reseller; recorded."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} does not exist")
        audit.record(
            session,
            actor,
            action="reseller_panel.open_as",
            entity="reseller",
            entity_id=reseller_id,
            summary=f"{actor.name} opened the reseller panel of {reseller.username}",
        )
        return Actor.reseller(reseller.id, reseller.username, on_behalf_of=actor.name)


def set_oversell(studio: Studio, actor: Actor, reseller_id: int, allowed: bool) -> bool:
    """Allow (or not) a reseller's customers to hold more than its subscriptions."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} does not exist")
        before = reseller.oversell_allowed
        if before != allowed:
            session.execute(
                update(Reseller)
                .where(Reseller.id == reseller_id)
                .values(oversell_allowed=allowed)
                .execution_options(synchronize_session=False)
            )
            audit.record(
                session,
                actor,
                action="reseller.oversell",
                entity="reseller",
                entity_id=reseller_id,
                changes={"oversell_allowed": [before, allowed]},
                summary=f"overselling {'allowed' if allowed else 'not allowed'} for "
                f"{reseller.username}",
            )
        return allowed
