"""A reseller's details, opened by double-clicking its row: Personal, Company,
Signatures, Subscriptions and History tabs, every value shown as plain text."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.domain.contact import countries, phone_display
from studio.domain.reseller_rules import Address
from ui.widgets.departments_editor import signature_preview_html

if TYPE_CHECKING:
    from studio.services.offerings import AssignedOffering, OfferingView
    from studio.services.resellers import ResellerDetails
    from studio.services.subscriptions import SubscriptionView


def _plain(text: str) -> QLabel:
    label = QLabel(text or "—")
    label.setTextFormat(label.textFormat().PlainText)
    label.setWordWrap(True)
    return label


def _address(address: Address) -> str:
    country = countries().get(address.country, address.country)
    lines = [
        address.line1,
        address.line2,
        " ".join(p for p in (address.postal_code, address.city) if p),
        address.state,
        country,
    ]
    return "\n".join(line for line in lines if line)


def _form(rows: list[tuple[str, str]]) -> QWidget:
    page = QWidget()
    form = QFormLayout(page)
    for label, value in rows:
        form.addRow(f"{label}:", _plain(value))
    return page


def _subscriptions_table(subscriptions: list[SubscriptionView] | None) -> QWidget:
    """One row per job of each subscription: service, server, quotas, status, job."""
    from studio.domain.catalog import CATALOG, quotas_text  # start-up

    rows = [(sub, job) for sub in subscriptions or [] for job in (sub.history or (None,))]
    table = QTableWidget(len(rows), 6)
    table.setObjectName("resellerDetailsSubscriptions")
    table.setHorizontalHeaderLabels(["Service", "Server", "Quotas", "Status", "Job", "Error"])
    for row, (sub, job) in enumerate(rows):
        service = CATALOG[sub.service].title if sub.service in CATALOG else sub.service
        quotas = quotas_text(sub.service, sub.quotas)
        job_text = f"{job.id}: {job.operation} {job.state} {job.progress} %" if job else ""
        values = [service, sub.server, quotas, sub.status, job_text, job.error if job else ""]
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.verticalHeader().setVisible(False)
    table.resizeColumnsToContents()  # a few rows: every value shown whole
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def _subscriptions_tab(
    subscriptions: list[SubscriptionView] | None, offerings: list[AssignedOffering] | None
) -> QWidget:
    """Subscriptions and their jobs; for Commission Based resellers, what they sell."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(_subscriptions_table(subscriptions))
    if offerings:
        layout.addWidget(QLabel("Offerings it may sell, with its commission:"))
        table = QTableWidget(len(offerings), 4)
        table.setObjectName("resellerDetailsOfferings")
        table.setHorizontalHeaderLabels(["Offering", "Price", "Commission %", "Since"])
        for row, a in enumerate(offerings):
            values = [
                a.offering.name,
                f"{a.offering.price_text} {a.offering.billing_cycle}",
                a.commission_text,
                a.effective_from.isoformat(),
            ]
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(table)
    return page


class ResellerDetailsDialog(QDialog):
    """Read-only view; Edit asks the page to open the wizard on this reseller."""

    editRequested = Signal(int)
    #: (subscription id, add-on id): Add to Subscription was pressed.
    addonRequested = Signal(int, int)

    def __init__(
        self,
        details: ResellerDetails,
        type_label: str,
        *,
        subscriptions: list[SubscriptionView] | None = None,
        parent: QWidget | None = None,
        offerings: list[AssignedOffering] | None = None,
        addons: list[OfferingView] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resellerDetails")
        self.details = details
        data = details.data
        self.setWindowTitle(f"Reseller {details.name}")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("resellerDetailsTabs")
        layout.addWidget(self.tabs)
        state = details.status.capitalize() + ("" if details.has_password else ", no password set")
        self.tabs.addTab(
            _form(
                [
                    ("Type", type_label),
                    ("Status", state),
                    ("Username", data.username),
                    ("Name", details.name),
                    ("E-mail", data.email),
                    ("Alternate e-mail", data.alternate_email),
                    ("Phone", phone_display(data.phone)),
                    ("Mobile", phone_display(data.mobile)),
                    ("Fax", phone_display(data.fax)),
                    ("Address", _address(data.address)),
                    ("Locale", data.locale),
                    ("Created", details.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                ]
            ),
            "Personal",
        )
        company = data.company
        self.tabs.addTab(
            _form(
                [
                    ("Company", company.name),
                    ("Web URL", company.website),
                    ("E-mail", company.email),
                    ("Phone", phone_display(company.phone)),
                    ("Fax", phone_display(company.fax)),
                    ("Address", _address(company.address)),
                    ("Tax / VAT number", company.tax_id),
                    ("Logo", f"{len(company.logo)} bytes" if company.logo else ""),
                ]
            ),
            "Company",
        )
        signatures = QTextBrowser()
        signatures.setObjectName("resellerDetailsSignatures")
        signatures.setHtml(
            "<hr>".join(
                f"<h4>{html.escape(d.name)}</h4>" + signature_preview_html(d, company.name)
                for d in company.departments
            )
            or "<i>No departments.</i>"
        )
        self.tabs.addTab(signatures, "Signatures")
        tab = _subscriptions_tab(subscriptions, offerings)
        self._add_addon_row(tab, subscriptions or [], addons or [])
        self.tabs.addTab(tab, "Subscriptions")
        history = QTableWidget(len(details.history), 4)
        history.setObjectName("resellerDetailsHistory")
        history.setHorizontalHeaderLabels(["When", "Who", "What", "Details"])
        for row, entry in enumerate(details.history):
            values = [
                entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor,
                entry.action.removeprefix("reseller."),
                entry.summary,
            ]
            for column, value in enumerate(values):
                history.setItem(row, column, QTableWidgetItem(value))
        history.horizontalHeader().setStretchLastSection(True)
        history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs.addTab(history, "History")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.edit_button = buttons.addButton("Edit…", QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.setObjectName("resellerDetailsEdit")
        buttons.rejected.connect(self.reject)
        self.edit_button.clicked.connect(self._edit)
        layout.addWidget(buttons)
        self.resize(620, 480)

    def _add_addon_row(
        self, tab: QWidget, subscriptions: list[SubscriptionView], addons: list[OfferingView]
    ) -> None:
        """Add-on → active subscription of the same service, when there are both."""
        pairs = [
            (sub, addon)
            for sub in subscriptions
            if sub.status == "active"
            for addon in addons
            if addon.enabled and addon.service == sub.service
        ]
        self.addon_choice = QComboBox()
        self.addon_choice.setObjectName("resellerDetailsAddon")
        self.addon_button = QPushButton("Add to Subscription")
        self.addon_button.setObjectName("resellerDetailsAddAddon")
        self.addon_state = QLabel("")
        self.addon_state.setObjectName("resellerDetailsAddonState")
        if not pairs:
            return
        for sub, addon in pairs:
            self.addon_choice.addItem(
                f"{addon.name} ({addon.price_text} {addon.billing_cycle}) → "
                f"subscription {sub.id} on {sub.server}",
                (sub.id, addon.id),
            )
        row = QHBoxLayout()
        row.addWidget(QLabel("Add-on:"))
        row.addWidget(self.addon_choice, 1)
        row.addWidget(self.addon_button)
        layout = tab.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addLayout(row)
        layout.addWidget(self.addon_state)
        self.addon_button.clicked.connect(self._request_addon)

    def _request_addon(self) -> None:
        sub_id, addon_id = self.addon_choice.currentData()
        self.addon_button.setEnabled(False)
        self.addon_state.setText("Submitting…")
        self.addonRequested.emit(sub_id, addon_id)

    def addon_submitted(self, text: str) -> None:
        """The page's answer: the job, or why not."""
        self.addon_button.setEnabled(True)
        self.addon_state.setText(text)

    def _edit(self) -> None:
        self.editRequested.emit(self.details.id)
        self.accept()
