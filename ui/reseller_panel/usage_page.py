"""``My Subscriptions``: each of the reseller's subscriptions with a bar per quota,
what its customers hold against what the subscription holds."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.services.quota_usage import QuotaUsage, SubscriptionUsage, my_subscriptions
from ui.reseller_panel.panel_page import PanelPage
from ui.tasks import TaskRunner
from ui.widgets.forms import camel


def usage_bar(sub_id: int, quota: QuotaUsage) -> QProgressBar:
    """One quota's bar: allocated of limit; red and marked when oversold."""
    bar = QProgressBar()
    bar.setObjectName(f"usageBar{sub_id}{camel(quota.name)}")
    bar.setRange(0, max(quota.limit, 1))
    bar.setValue(min(quota.allocated, quota.limit))
    each = "" if quota.pooled else " (largest per item)"
    text = f"{quota.allocated:,} of {quota.limit:,} {quota.unit}{each}"
    if quota.over:
        text += f" — over by {quota.over:,}"
        bar.setProperty("over", True)
    bar.setFormat(text)
    bar.setAccessibleName(f"{quota.label}: {text}")
    bar.setToolTip(text)
    return bar


class UsagePage(PanelPage):
    """Allocated vs used, as bars."""

    TITLE = "My Subscriptions"

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor) -> None:
        super().__init__(runner, studio, actor, "panelUsage")
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.body)
        self.layout_.addStretch(1)
        self.finish_layout()

    def refresh(self) -> None:
        """Read the subscriptions and their usage."""
        self.run(lambda: my_subscriptions(self.studio, self.actor), self._show)

    def _show(self, subs: list[SubscriptionUsage]) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        if not subs:
            self.body_layout.addWidget(QLabel("You have no subscriptions yet: ask your provider."))
        for sub in subs:
            title = CATALOG[sub.service].title if sub.service in CATALOG else sub.service
            box = QGroupBox(
                f"Subscription #{sub.id}: {title} on {sub.server} ({sub.status}), "
                f"{sub.customers} customer(s)"
            )
            box.setObjectName(f"usageSubscription{sub.id}")
            form = QFormLayout(box)
            for quota in sub.quotas:
                form.addRow(f"{quota.label}:", usage_bar(sub.id, quota))
            self.body_layout.addWidget(box)
        self.state.setText(f"{len(subs)} subscription(s)")
