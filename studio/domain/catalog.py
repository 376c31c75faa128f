"""The service catalog: which services exist and which quota parameters each one takes.

Shared by the stub (which answers 422 naming the parameter when a request is outside the
catalog), the service offerings, the subscriptions and the Customer Products Plans.
Quotas are whole numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Quota:
    """One quota attribute of a service, e.g. Hosted Exchange's ``mailboxes``."""

    name: str
    label: str
    unit: str
    minimum: int
    maximum: int
    #: Shared out: a reseller's customers together hold at most its subscription's
    #: (mailboxes, storage). Not pooled: a size per item, which each customer may have
    #: up to the subscription's own (the size of one mailbox, of one database).
    pooled: bool = True


@dataclass(frozen=True)
class Service:
    """A service a Remote Server can host."""

    key: str
    title: str
    quotas: tuple[Quota, ...]

    def quota(self, name: str) -> Quota | None:
        """The quota called ``name``, if the service has one."""
        return next((q for q in self.quotas if q.name == name), None)


CATALOG: dict[str, Service] = {
    service.key: service
    for service in (
        Service(
            "exchange",
            "Hosted Exchange",
            (
                Quota("mailboxes", "Mailboxes", "mailboxes", 1, 100_000),
                Quota("mailbox_size_mb", "Mailbox size", "MB", 50, 102_400, pooled=False),
            ),
        ),
        Service(
            "sharepoint",
            "SharePoint",
            (
                Quota("site_collections", "Site collections", "sites", 1, 10_000),
                Quota("storage_gb", "Storage", "GB", 1, 100_000),
            ),
        ),
        Service(
            "web",
            "Web Hosting",
            (
                Quota("sites", "Web sites", "sites", 1, 10_000),
                Quota("disk_gb", "Disk space", "GB", 1, 100_000),
                Quota("bandwidth_gb", "Bandwidth", "GB/month", 1, 1_000_000),
            ),
        ),
        Service("dns", "DNS", (Quota("zones", "DNS zones", "zones", 1, 100_000),)),
        Service(
            "mssql",
            "MS SQL",
            (
                Quota("databases", "Databases", "databases", 1, 10_000),
                Quota("database_size_mb", "Database size", "MB", 10, 1_048_576, pooled=False),
            ),
        ),
    )
}


def quotas_text(service: str, quotas: Mapping[str, object]) -> str:
    """Quotas as people read them: ``5 mailboxes, 1,024 MB each`` (keys the catalog
    does not know are shown as they are)."""
    spec = CATALOG.get(service)
    parts = []
    for name, value in quotas.items():
        quota = spec.quota(name) if spec else None
        amount = f"{value:,}" if isinstance(value, int) else str(value)
        if quota is None:
            parts.append(f"{name} {amount}")
        else:
            parts.append(f"{amount} {quota.unit}" + ("" if quota.pooled else " each"))
    return ", ".join(parts)


#: Who an offering is for: Subscription Based resellers (a reseller plan) or end
#: customers (a customer plan, which Commission Based resellers sell).
AUDIENCES = ("reseller", "customer")
#: How often an offering or add-on is billed.
BILLING_CYCLES = ("monthly", "quarterly", "yearly")

#: What a job can ask a server to do with a resource.
OPERATIONS = ("provision", "update", "deprovision", "suspend", "resume")


class CatalogError(ValueError):
    """A request outside the catalog; ``field`` names the offending parameter."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _parameter(spec: Service, name: str, value: Any) -> Any:
    """One parameter checked against the service's quotas (or as a name or id)."""
    field = f"parameters.{name}"
    if name in ("name", "resource_id"):
        if not isinstance(value, str) or not value.strip() or len(value) > 120:
            raise CatalogError(field, "must be a non-empty text of at most 120 characters")
        return value.strip()
    quota = spec.quota(name)
    if quota is None:
        raise CatalogError(field, f"{spec.title} has no quota {name!r}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogError(field, "must be a whole number")
    if not quota.minimum <= value <= quota.maximum:
        raise CatalogError(
            field, f"must be between {quota.minimum} and {quota.maximum} {quota.unit}"
        )
    return value


def validate_request(
    operation: str, service: str, parameters: Mapping[str, Any], hosted: tuple[str, ...]
) -> dict[str, Any]:
    """Check a job request against the catalog and the services this server hosts.

    Returns:
        The parameters, normalised.

    Raises:
        CatalogError: naming ``operation``, ``service`` or ``parameters.<name>``.
    """
    if operation not in OPERATIONS:
        raise CatalogError("operation", f"unknown operation {operation!r}; one of {OPERATIONS}")
    spec = CATALOG.get(service)
    if spec is None:
        raise CatalogError("service", f"unknown service {service!r}; one of {tuple(CATALOG)}")
    if service not in hosted:
        raise CatalogError("service", f"{spec.title} is not hosted on this server")
    clean = {name: _parameter(spec, name, value) for name, value in parameters.items()}
    if operation == "provision":
        for required in ("name", *(q.name for q in spec.quotas)):
            if required not in clean:
                raise CatalogError(f"parameters.{required}", "is required to provision")
    elif "resource_id" not in clean:
        raise CatalogError("parameters.resource_id", f"is required to {operation}")
    return clean
