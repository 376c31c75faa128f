"""Subscribe As Reseller: service and quotas → Remote Server → summary → progress.

The server page runs the prerequisites check first (off the GUI thread): only servers
that pass are selectable, the others are listed with what failed and how to fix it.
Subscribe checks again, writes the subscription and its job, and the last page follows
the job through the window's job runner until the subscription is active, or shows the
service's error with Retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.errors import FieldError, StudioError
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport
    from studio.services.jobs import JobView
    from studio.services.offerings import OfferingView
    from studio.services.subscriptions import SubscriptionView
    from ui.job_monitor import JobMonitor

PAGE_SERVICE, PAGE_SERVER, PAGE_SUMMARY, PAGE_PROGRESS = range(4)


def _check(studio: Studio, actor: Actor) -> tuple[PrerequisitesReport, dict[str, tuple[str, ...]]]:
    from studio.services.server_checks import check_prerequisites  # start-up
    from studio.services.servers import list_remote_servers  # start-up

    report = check_prerequisites(studio, actor)
    return report, {r.name: r.services for r in list_remote_servers(studio, actor)}


def _subscribe(studio: Studio, actor: Actor, data: object) -> SubscriptionView:
    from studio.services.subscriptions import SubscribeInput, subscribe_reseller  # start-up

    assert isinstance(data, SubscribeInput)
    return subscribe_reseller(studio, actor, data)


def _plans(studio: Studio, actor: Actor) -> list[OfferingView]:
    from studio.services.offerings import list_offerings  # start-up

    return list_offerings(studio, actor, "reseller")


def _job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    from studio.services.jobs import get_job  # start-up

    return get_job(studio, actor, job_id)


def _retry(studio: Studio, actor: Actor, job_id: int) -> JobView:
    from studio.services.jobs import retry_job  # start-up

    return retry_job(studio, actor, job_id)


class ServicePage(QWizardPage):
    """The service and its quotas, each within the catalog's limits."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Service and quotas")
        self.setSubTitle("What the reseller subscribes to, and how much of it.")
        self.form = QFormLayout(self)
        self.service = QComboBox()
        self.service.setObjectName("subscribeService")
        for key, spec in CATALOG.items():
            self.service.addItem(spec.title, key)
        self.form.addRow("Service:", self.service)
        self.plan = QComboBox()
        self.plan.setObjectName("subscribePlan")
        self.plan.setToolTip("A reseller plan sets the quotas; or choose them yourself")
        self.form.addRow("Reseller plan:", self.plan)
        self.plans: list[OfferingView] = []
        self.plan.currentIndexChanged.connect(self._plan_chosen)
        self.quota_box = QWidget()
        self.quota_form = QFormLayout(self.quota_box)
        self.quota_form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.quota_box)
        self.quotas: dict[str, QSpinBox] = {}
        self.service.currentIndexChanged.connect(self._build_quotas)
        self._build_quotas()

    def set_plans(self, plans: list[OfferingView]) -> None:
        """The provider's enabled reseller plans (loaded off the GUI thread)."""
        self.plans = [p for p in plans if p.enabled]
        self._fill_plans()

    def _fill_plans(self) -> None:
        self.plan.blockSignals(True)
        self.plan.clear()
        self.plan.addItem("Custom quotas (within the service's limits)", None)
        for plan in self.plans:
            if plan.service == self.key():
                self.plan.addItem(f"{plan.name} — {plan.price_text} {plan.billing_cycle}", plan.id)
        self.plan.blockSignals(False)
        self._plan_chosen()

    def plan_id(self) -> int | None:
        """The chosen reseller plan's id (None: custom quotas)."""
        data = self.plan.currentData()
        return int(data) if data is not None else None

    def _plan_chosen(self) -> None:
        plan = next((p for p in self.plans if p.id == self.plan_id()), None)
        for name, box in self.quotas.items():
            if plan is not None:
                box.setValue(plan.quotas.get(name, box.value()))
            box.setEnabled(plan is None)

    def key(self) -> str:
        """The chosen service's catalog key."""
        return str(self.service.currentData())

    def _build_quotas(self) -> None:
        while self.quota_form.rowCount():
            self.quota_form.removeRow(0)
        self.quotas = {}
        for quota in CATALOG[self.key()].quotas:
            box = QSpinBox()
            box.setObjectName(f"subscribeQuota_{quota.name}")
            box.setRange(quota.minimum, quota.maximum)
            box.setSuffix(f" {quota.unit}")
            box.setGroupSeparatorShown(True)
            box.setValue(max(quota.minimum, min(quota.maximum, 10 * quota.minimum)))
            self.quota_form.addRow(f"{quota.label}:", box)
            self.quotas[quota.name] = box
        self._fill_plans()

    def values(self) -> dict[str, str]:
        """Quotas as the service takes them."""
        return {name: str(box.value()) for name, box in self.quotas.items()}


class ServerPage(QWizardPage):
    """Remote Servers hosting the service: only those passing the check are selectable."""

    def __init__(self, wizard: SubscribeWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Remote Server")
        self.setSubTitle(
            "Where the service is created. Servers that fail a prerequisite "
            "cannot be chosen; each says what to fix."
        )
        layout = QVBoxLayout(self)
        self.state = QLabel("")
        self.state.setObjectName("subscribeServerState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.list = QListWidget()
        self.list.setObjectName("subscribeServers")
        self.list.setWordWrap(True)
        layout.addWidget(self.list)
        self.list.currentItemChanged.connect(lambda *_: self.completeChanged.emit())
        self._checking = False

    def initializePage(self) -> None:
        """Run the prerequisites check, then list the servers."""
        self.list.clear()
        self._checking = True
        self.state.setText("Running the prerequisites check…")
        w = self.wizard_
        w.tasks.submit(lambda: _check(w.studio, w.actor), self._show, self._failed)

    def _show(self, result: tuple[PrerequisitesReport, dict[str, tuple[str, ...]]]) -> None:
        report, hosted = result
        self._checking = False
        service = self.wizard_.service_page.key()
        title = CATALOG[service].title
        ready = 0
        for health in report.remotes:
            if service not in hosted.get(health.name, ()):
                continue
            problems = report.failures(health.name)
            if report.server_ready(health.name):
                text = f"{health.name} — ready (build {health.build})"
                ready += 1
            else:
                reasons = "; ".join(
                    f"{p.message}" + (f" (fix: {p.fix})" if p.fix else "") for p in problems
                )
                text = f"{health.name} — not available: {reasons or health.message}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, health.name)
            if not report.server_ready(health.name):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        if not self.list.count():
            self.state.setText(
                f"No Remote Server hosts {title}. Add one in Configure > Remote Servers."
            )
        elif not ready:
            self.state.setText(
                f"No server hosting {title} passes the prerequisites check; "
                "nothing can be submitted until one does."
            )
        else:
            self.state.setText(f"{ready} of {self.list.count()} servers hosting {title} are ready.")
            for row in range(self.list.count()):
                item = self.list.item(row)
                if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                    self.list.setCurrentRow(row)
                    break
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self._checking = False
        self.state.setText(f"The prerequisites check could not run: {error}")

    def server(self) -> str:
        """The chosen server's name ('' when none)."""
        item = self.list.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return ""
        return str(item.data(Qt.ItemDataRole.UserRole))

    def isComplete(self) -> bool:
        """A ready server is chosen."""
        return not self._checking and bool(self.server())


class SummaryPage(QWizardPage):
    """What will be submitted; Subscribe checks again and writes it."""

    def __init__(self, wizard: SubscribeWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Summary")
        self.setSubTitle("Subscribe writes the subscription and submits its provisioning job.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Subscribe")
        layout = QVBoxLayout(self)
        self.text = QLabel("")
        self.text.setObjectName("subscribeSummary")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.state = QLabel("")
        self.state.setObjectName("subscribeState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        layout.addStretch(1)
        self.view: SubscriptionView | None = None
        self._saving = False

    def initializePage(self) -> None:
        """Describe the subscription."""
        w = self.wizard_
        quotas = ", ".join(
            f"{q.label} {w.service_page.quotas[q.name].value():,} {q.unit}"
            for q in CATALOG[w.service_page.key()].quotas
        )
        plan = w.service_page.plan.currentText() if w.service_page.plan_id() else "custom"
        self.text.setText(
            f"Reseller: {w.reseller_name}\nService: {CATALOG[w.service_page.key()].title}\n"
            f"Plan: {plan}\nQuotas: {quotas}\nRemote Server: {w.server_page.server()}"
        )
        self.state.setText("")

    def validatePage(self) -> bool:
        """Subscribe in the background; the progress page follows once written."""
        from studio.services.subscriptions import SubscribeInput  # start-up

        if self.view is not None:
            return True
        if self._saving:
            return False
        w = self.wizard_
        data = SubscribeInput(
            w.reseller_id,
            w.service_page.key(),
            w.server_page.server(),
            w.service_page.values(),
            w.service_page.plan_id(),
        )
        self._saving = True
        self.state.setText("Checking the prerequisites and submitting…")
        w.tasks.submit(lambda: _subscribe(w.studio, w.actor, data), self._done, self._failed)
        return False

    def _done(self, view: SubscriptionView) -> None:
        self._saving = False
        self.view = view
        self.wizard_.subscribed(view)
        self.wizard_.next()

    def _failed(self, error: BaseException) -> None:
        self._saving = False
        if isinstance(error, FieldError):
            text = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
            self.state.setText(f"Not submitted: {text}")
        elif isinstance(error, StudioError):
            self.state.setText(f"Not submitted: {error}")
        else:
            self.state.setText(f"Unexpected error: {error!r} (details in the log)")


class ProgressPage(QWizardPage):
    """The job's progress until the subscription is active, or its error and Retry."""

    def __init__(self, wizard: SubscribeWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Provisioning")
        self.setSubTitle(
            "The job runs on the Remote Server; you may close this window, "
            "it goes on (Home » Provisioning Jobs)."
        )
        layout = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.bar.setObjectName("subscribeProgress")
        self.bar.setRange(0, 100)
        layout.addWidget(self.bar)
        self.state = QLabel("Submitting…")
        self.state.setObjectName("subscribeJobState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("subscribeRetry")
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.retry)
        layout.addWidget(self.retry_button)
        layout.addStretch(1)
        self.job_id: int | None = None
        self.final_state = ""

    def follow(self, job_id: int) -> None:
        """Show ``job_id``'s progress from now on."""
        self.job_id = job_id
        self.final_state = ""
        self.retry_button.setVisible(False)
        self.update_job()

    def on_jobs_changed(self, job_ids: frozenset[int]) -> None:
        """From the job runner: reload if ours is among them."""
        if self.job_id in job_ids:
            self.update_job()

    def update_job(self) -> None:
        """Read the job off the GUI thread."""
        w, job_id = self.wizard_, self.job_id
        if job_id is not None:
            w.tasks.submit(lambda: _job(w.studio, w.actor, job_id), self._show, lambda _e: None)

    def _show(self, job: JobView) -> None:
        if job.id != self.job_id:
            return
        self.bar.setValue(job.progress)
        if job.state == "succeeded":
            self.state.setText("The subscription is active.")
        elif job.state == "failed":
            self.state.setText(f"The job failed: {job.error}")
        elif job.state == "cancelled":
            self.state.setText("The job was cancelled.")
        else:
            extra = f" (try {job.attempts + 1}: {job.error})" if job.attempts else ""
            self.state.setText(f"Job {job.id} is {job.state}, {job.progress} %{extra}")
        self.final_state = job.state if job.finished else ""
        self.retry_button.setVisible(job.state in ("failed", "cancelled"))

    def retry(self) -> None:
        """Run the failed job again and follow the new one."""
        w, job_id = self.wizard_, self.job_id
        if job_id is None:
            return
        self.retry_button.setVisible(False)
        self.state.setText("Retrying…")
        w.tasks.submit(
            lambda: _retry(w.studio, w.actor, job_id),
            self._retried,
            lambda e: self.state.setText(f"Cannot retry: {e}"),
        )

    def _retried(self, job: JobView) -> None:
        if self.wizard_.monitor is not None:
            self.wizard_.monitor.wake()
        self.follow(job.id)


class SubscribeWizard(QWizard):
    """Subscribe As Reseller for one Subscription Based reseller."""

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        tasks: TaskRunner,
        monitor: JobMonitor | None,
        *,
        reseller_id: int,
        reseller_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("subscribeWizard")
        self.setWindowTitle(f"Subscribe As Reseller: {reseller_name}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.studio, self.actor, self.tasks, self.monitor = studio, actor, tasks, monitor
        self.reseller_id, self.reseller_name = reseller_id, reseller_name
        self.service_page = ServicePage()
        self.server_page = ServerPage(self)
        self.summary_page = SummaryPage(self)
        self.progress_page = ProgressPage(self)
        for index, page in enumerate(
            (self.service_page, self.server_page, self.summary_page, self.progress_page)
        ):
            self.setPage(index, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        if monitor is not None:
            monitor.jobsChanged.connect(self.progress_page.on_jobs_changed)
        self.resize(620, 440)
        tasks.submit(lambda: _plans(studio, actor), self.service_page.set_plans, lambda _e: None)

    def subscribed(self, view: SubscriptionView) -> None:
        """Written: wake the runner and follow the job."""
        if self.monitor is not None:
            self.monitor.wake()
        if view.job is not None:
            self.progress_page.follow(view.job.id)
