"""The agreement terms a reseller must accept on its first sign-in (and again when an
administrator changes them)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from studio.services.reseller_panel import AgreementView


class AgreementDialog(QDialog):
    """Shows the terms; Accept is enabled once the box is ticked."""

    def __init__(self, view: AgreementView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle(f"{view.type_label} agreement")
        self.view = view
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"Read the {view.type_label} agreement of your provider and accept it to go on.")
        )
        terms = QPlainTextEdit(view.terms or "(Your provider has not written terms.)")
        terms.setObjectName("agreementTerms")
        terms.setReadOnly(True)
        terms.setMinimumSize(520, 260)
        layout.addWidget(terms)
        self.accept_box = QCheckBox("I have read and &accept these terms")
        self.accept_box.setObjectName("agreementAcceptBox")
        layout.addWidget(self.accept_box)
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton("Accept", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("agreementAcceptButton")
        self.accept_button.setEnabled(False)
        decline = buttons.addButton("Decline", QDialogButtonBox.ButtonRole.RejectRole)
        decline.setObjectName("agreementDeclineButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.accept_box.toggled.connect(self.accept_button.setEnabled)
