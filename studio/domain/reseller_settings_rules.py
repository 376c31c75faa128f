"""Rules of ``Home » System Configuration » Reseller Settings`` (pure, no I/O).

Two reseller types, as in MachPanel: Commission Based (sells the provider's offerings
for a commission) and Subscription Based (prepaid, subscribes itself). Each can be
enabled, has a label shown wherever the type is named, agreement terms shown to its
resellers, and defaults: commission % (0-100, two decimals; stored as basis points,
exact), payout cycle and currency (ISO 4217, from pycountry).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.validation import hundredths_text, hundredths_value, text_problem
from studio.errors import FieldError

TYPES = ("commission", "subscription")
DEFAULT_LABELS = {"commission": "Commission Based", "subscription": "Subscription Based"}
PAYOUT_CYCLES = ("monthly", "quarterly")
MAX_TERMS = 20_000


@dataclass(frozen=True)
class ResellerTypeInput:
    """One type's settings as typed (commission still text)."""

    type: str
    enabled: bool
    label: str
    terms: str
    commission: str
    payout_cycle: str
    currency: str


@dataclass(frozen=True)
class ResellerType:
    """One type's settings, valid and normalised."""

    type: str
    enabled: bool
    label: str
    terms: str
    commission_bp: int  # 1250 = 12.50 %
    payout_cycle: str
    currency: str

    @property
    def commission_text(self) -> str:
        """``12.50``."""
        return hundredths_text(self.commission_bp)

    def as_input(self) -> ResellerTypeInput:
        """Back to form values."""
        return ResellerTypeInput(
            self.type,
            self.enabled,
            self.label,
            self.terms,
            self.commission_text,
            self.payout_cycle,
            self.currency,
        )


def default(kind: str) -> ResellerType:
    """The settings of a new installation: both types enabled."""
    return ResellerType(kind, True, DEFAULT_LABELS[kind], "", 1000, "monthly", "USD")


def disabled_type_error(
    settings: dict[str, ResellerType], kind: str, previous: str | None = None
) -> str | None:
    """Why ``kind`` cannot be given: a disabled type may be kept, never newly given."""
    chosen = settings.get(kind)
    if chosen is None or chosen.enabled or kind == previous:
        return None
    return f"{chosen.label} resellers are disabled in Reseller Settings"


def currency_error(code: str) -> str | None:
    """Why ``code`` is not an ISO 4217 currency, or None."""
    import pycountry  # loaded on first use: its data is large

    if not code.strip():
        return "is required"
    if pycountry.currencies.get(alpha_3=code.strip().upper()) is None:
        return f"{code.strip()!r} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)"
    return None


def commission_value(text: str) -> tuple[int | None, str | None]:
    """A commission % (0-100, two decimals) as basis points, or why not."""
    return hundredths_value(text, maximum=100, invalid="must be a number from 0 to 100, e.g. 12.5")


def type_errors(data: ResellerTypeInput) -> dict[str, str]:
    """Every invalid field of one type, in form order."""
    checks = {
        "label": text_problem(data.label.strip())
        or (None if 0 < len(data.label.strip()) <= 40 else "must be 1-40 characters"),
        # Checked, not rewritten: an accepted agreement is recorded by its text's hash.
        "terms": text_problem(data.terms.replace("\r\n", "\n"), multiline=True)
        or (None if len(data.terms) <= MAX_TERMS else f"must be at most {MAX_TERMS} characters"),
        "commission": commission_value(data.commission)[1],
        "payout_cycle": None
        if data.payout_cycle in PAYOUT_CYCLES
        else f"must be one of {', '.join(PAYOUT_CYCLES)}",
        "currency": currency_error(data.currency),
    }
    return {field: message for field, message in checks.items() if message}


def parse_type(data: ResellerTypeInput) -> ResellerType:
    """Validated and normalised; raises FieldError naming ``<type>.<field>``."""

    if data.type not in TYPES:
        raise FieldError.single("type", f"must be one of {', '.join(TYPES)}")
    errors = type_errors(data)
    if errors:
        raise FieldError({f"{data.type}.{field}": message for field, message in errors.items()})
    commission, _ = commission_value(data.commission)
    assert commission is not None
    return ResellerType(
        data.type,
        data.enabled,
        data.label.strip(),
        data.terms,
        commission,
        data.payout_cycle,
        data.currency.strip().upper(),
    )
