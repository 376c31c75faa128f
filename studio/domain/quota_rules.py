"""What is sold must fit: quotas and prices as typed, and a sale within what its
reseller subscription holds (pure, no I/O).

A *pooled* quota (mailboxes, storage) is shared: the customers of one reseller
subscription hold at most its limit in total, unless the reseller may oversell. A *size
per item* (mailbox size, database size) is a limit per customer, never summed and never
oversold. The services read what is held and lock the reseller subscription; the
arithmetic is here, so that it can be tested at its exact limits without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from studio.domain.catalog import CATALOG, Service
from studio.domain.validation import hundredths_value, whole_number


def quota_values(service: str, quotas: Mapping[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Whole-number quotas within the catalog's limits; errors name ``quota.<name>``."""
    spec = CATALOG.get(service)
    if spec is None:
        return {}, {"service": f"must be one of {', '.join(CATALOG)}"}
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name in quotas:
        if spec.quota(name) is None:
            errors[f"quota.{name}"] = f"{spec.title} has no quota {name!r}"
    for quota in spec.quotas:
        text = str(quotas.get(quota.name, "")).strip()
        field = f"quota.{quota.name}"
        if not text:
            errors[field] = "is required"
            continue
        value = whole_number(text)
        if value is None:
            errors[field] = "must be a whole number"
            continue
        if not quota.minimum <= value <= quota.maximum:
            errors[field] = f"must be between {quota.minimum:,} and {quota.maximum:,} {quota.unit}"
            continue
        values[quota.name] = value
    return values, errors


def price_cents(text: str) -> tuple[int | None, str | None]:
    """A price of at most two decimals, 0 or more, as whole cents."""
    return hundredths_value(text, maximum=1_000_000, invalid="must be an amount, e.g. 9.99")


def held_totals(spec: Service, holdings: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """What several customer subscriptions hold together, per quota: the sum of a pooled
    quota, the largest of a size per item."""
    totals: dict[str, int] = {}
    for quotas in holdings:
        for name, value in quotas.items():
            quota = spec.quota(name)
            amount = int(value)
            if name not in totals:
                totals[name] = amount
            elif quota is None or quota.pooled:
                totals[name] += amount
            else:
                totals[name] = max(totals[name], amount)
    return totals


def sale_quota_errors(
    spec: Service,
    parent_id: int,
    *,
    limits: Mapping[str, Any],
    held: Mapping[str, int],
    wanted: Mapping[str, int],
    what: str,
    oversell_allowed: bool,
) -> dict[str, str]:
    """What would exceed reseller subscription ``parent_id`` (holding ``limits``, of
    which the other customers hold ``held``) if a customer took ``wanted`` on top:
    ``quota.<name>`` naming the quota, the limit and what is left. Overselling, where
    allowed, lifts the pooled limits only."""
    errors: dict[str, str] = {}
    for name, need in wanted.items():
        quota = spec.quota(name)
        label, unit = (quota.label, f" {quota.unit}") if quota else (name, "")
        limit = int(limits.get(name, 0))
        if quota is not None and not quota.pooled:
            if need > limit:  # a size per item is never oversold
                errors[f"quota.{name}"] = (
                    f"{label}: subscription #{parent_id} allows {limit:,}{unit} each; "
                    f"{what} gives {need:,}"
                )
            continue
        left = max(limit - held.get(name, 0), 0)
        if need > left and not oversell_allowed:
            errors[f"quota.{name}"] = (
                f"{label}: subscription #{parent_id} holds {limit:,}{unit}, "
                f"{left:,} left; {what} needs {need:,}"
            )
    return errors
