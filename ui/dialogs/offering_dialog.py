"""New / Edit Offering (or Add-on): service, audience, quotas, price per billing cycle.

Saved through ``studio.services.offerings.save_offering`` off the GUI thread; a refused
field shows its message beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.errors import FieldError
from ui.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.offerings import OfferingInput, OfferingView


def _save(
    studio: Studio, actor: Actor, data: OfferingInput, offering_id: int | None, addon: bool
) -> OfferingView:
    from studio.services.offerings import save_offering  # on the pool, see ui.session

    return save_offering(studio, actor, data, offering_id, addon=addon)


class OfferingDialog(FormDialog):
    """Edits one offering or add-on; ``saved(view)`` once written."""

    saved = Signal(object)

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        tasks: TaskRunner,
        *,
        addon: bool,
        existing: OfferingView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        kind = "Add-on" if addon else "Offering"
        super().__init__(
            tasks,
            studio,
            actor,
            prefix="offering",
            title=f"{'Edit' if existing else 'New'} {kind}",
            state_name="offeringState",
            parent=parent,
        )
        self.addon = addon
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.service = QComboBox()
        for key, spec in CATALOG.items():
            self.service.addItem(spec.title, key)
        self.audience = QComboBox()
        self.audience.addItem(
            "Customer plan (end customers; Commission Based resellers sell it)", "customer"
        )
        self.audience.addItem("Reseller plan (Subscription Based resellers subscribe)", "reseller")
        self.price = QLineEdit(existing.price_text if existing else "")
        self.price.setPlaceholderText("per billing cycle, e.g. 9.99")
        self.cycle = QComboBox()
        self.cycle.addItems(["monthly", "quarterly", "yearly"])
        self.enabled = QCheckBox("Enabled: may be sold and subscribed")
        self.enabled.setChecked(existing.enabled if existing else True)
        self.fields.add("name", "Name", self.name, required=True)
        self.fields.add("service", "Service", self.service)
        if not addon:
            self.fields.add("audience", "Audience", self.audience)
        self.quota_box = QWidget()
        self.quota_form = QFormLayout(self.quota_box)
        self.quota_form.setContentsMargins(0, 0, 0, 0)
        self.fields.add("quotas", "Adds" if addon else "Quotas", self.quota_box)
        self.fields.add("price", "Price", self.price, required=True)
        self.fields.add("billing_cycle", "Billing cycle", self.cycle)
        self.fields.add("enabled", "Enabled", self.enabled)
        self.finish("Save", "Saving…", "Not saved: ", standard=QDialogButtonBox.StandardButton.Save)
        self.quotas: dict[str, QSpinBox] = {}
        if existing:
            self.service.setCurrentIndex(self.service.findData(existing.service))
            self.audience.setCurrentIndex(max(0, self.audience.findData(existing.audience)))
            self.cycle.setCurrentText(existing.billing_cycle)
        self.service.currentIndexChanged.connect(self._build_quotas)
        self._build_quotas()

    def _build_quotas(self) -> None:
        while self.quota_form.rowCount():
            self.quota_form.removeRow(0)
        self.quotas = {}
        known = self.existing.quotas if self.existing else {}
        for quota in CATALOG[str(self.service.currentData())].quotas:
            box = QSpinBox()
            box.setObjectName(f"offeringQuota_{quota.name}")
            box.setRange(0 if self.addon else quota.minimum, quota.maximum)
            box.setSuffix(f" {quota.unit}")
            box.setGroupSeparatorShown(True)
            box.setValue(known.get(quota.name, 0 if self.addon else quota.minimum))
            if self.addon:
                box.setSpecialValueText("—")
            self.quota_form.addRow(f"{quota.label}:", box)
            self.quotas[quota.name] = box

    def value(self) -> OfferingInput:
        """The dialog as the service's input."""
        from studio.services.offerings import OfferingInput  # with the database layer

        quotas = {n: str(b.value()) for n, b in self.quotas.items() if b.value() or not self.addon}
        return OfferingInput(
            self.name.text(),
            str(self.service.currentData()),
            "" if self.addon else str(self.audience.currentData()),
            quotas,
            self.price.text(),
            self.cycle.currentText(),
            self.enabled.isChecked(),
        )

    def save(self) -> None:
        """Write it in the background."""
        self.submit()

    def work(self) -> Callable[[], OfferingView]:
        """Save the offering as typed."""
        data, addon = self.value(), self.addon
        offering_id = self.existing.id if self.existing else None
        return lambda: _save(self.studio, self.actor, data, offering_id, addon)

    def succeeded(self, result: Any) -> None:
        """Tell the Services page."""
        self.saved.emit(result)

    def shown_error(self, error: BaseException) -> BaseException:
        """Quota errors (``quota.<name>``) are shown together beside the quotas."""
        if not isinstance(error, FieldError):
            return error
        shown = {
            k.split(".")[0] if k.startswith("quota.") else k: v for k, v in error.errors.items()
        }
        if any(k.startswith("quota.") for k in error.errors):
            shown["quotas"] = "; ".join(
                f"{k.removeprefix('quota.')}: {v}"
                for k, v in error.errors.items()
                if k.startswith("quota.")
            )
        return FieldError(shown)
