"""Run now: an options dialog built from a job's `options`, and the danger confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.model import JobDef, JobOption
from panel.jobs.snapshots import JobSummary
from panel.views.format import format_argv
from panel.views.forms.ui_run_options_dialog import Ui_RunOptionsDialog

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel


class ArrayEditor(QWidget):
    """Edits a list of strings: one editable row per item, Add and Remove."""

    def __init__(self, values: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        for value in values:
            self._append(value)
        add = QPushButton(self.tr("Add"))
        remove = QPushButton(self.tr("Remove"))
        add.clicked.connect(self._on_add)
        remove.clicked.connect(self._on_remove)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)

    def _append(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _on_add(self) -> None:
        item = self._append("")
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def _on_remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def set_values(self, values: list[str]) -> None:
        """Replace the items."""
        self.list.clear()
        for value in values:
            self._append(value)

    def values(self) -> list[str]:
        """The non-empty items, in order."""
        texts = [self.list.item(i).text() for i in range(self.list.count())]
        return [t for t in texts if t.strip()]


def _editor(option: JobOption) -> QWidget:
    default = option.default
    if option.type == "boolean":
        box = QCheckBox()
        box.setChecked(bool(default))
        return box
    if option.type == "select":
        combo = QComboBox()
        combo.addItems(list(option.choices))
        if default is not None and str(default) in option.choices:
            combo.setCurrentText(str(default))
        return combo
    if option.type == "array":
        values = default if isinstance(default, list) else ([] if default is None else [default])
        return ArrayEditor([str(v) for v in values])
    edit = QLineEdit("" if default is None else str(default))
    return edit


def _value(option: JobOption, editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return editor.currentText() or None
    if isinstance(editor, ArrayEditor):
        return editor.values()
    assert isinstance(editor, QLineEdit)
    return editor.text() or None


class RunOptionsDialog(QDialog, Ui_RunOptionsDialog):
    """Asks for the options of one run of `job`; system options are shown read-only."""

    def __init__(self, job: JobDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setupUi(self)  # ui/run_options_dialog.ui: options are added as rows of `form`
        self.setWindowTitle(self.tr("Run %1").replace("%1", job.name))
        self.editors: dict[str, QWidget] = {}
        self.command_label.setText(format_argv(job.command))
        for option in job.options:
            editor = _editor(option)
            label = option.label or option.key
            if option.system:
                editor.setEnabled(False)
                editor.setToolTip(self.tr("A system option: always its default"))
                label = self.tr("%1 (system)").replace("%1", label)
            else:
                self.editors[option.key] = editor
            self.form.addRow(label, editor)
        self.no_options_label.setVisible(not job.options)
        self.only_check.setVisible(bool(job.depends_on))
        self.run_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.run_button.setText(self.tr("Run"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def editor(self, key: str) -> QWidget:
        """The editor of option `key` (not for system options)."""
        return self.editors[key]

    def options(self) -> dict[str, Any]:
        """The options as `JobEngine.run_job` takes them (system options left out)."""
        by_key = {o.key: o for o in self.job.options}
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            value = _value(by_key[key], editor)
            if value is not None:
                out[key] = value
        return out

    def only(self) -> bool:
        """True to run the job without its upstream jobs."""
        return self.only_check.isChecked()


def confirm_dangerous(parent: QWidget, job: JobDef, reasons: list[str]) -> bool:
    """Ask before running a command flagged as dangerous; True when the operator agreed."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("RunOptionsDialog", "Run a dangerous command?"))
    box.setText(
        QCoreApplication.translate(
            "RunOptionsDialog", "The command of %1 looks dangerous: %2. Run it anyway?"
        )
        .replace("%1", job.name)
        .replace("%2", "; ".join(reasons))
    )
    box.setInformativeText(format_argv(job.command))
    run = box.addButton(
        QCoreApplication.translate("RunOptionsDialog", "Run anyway"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is run


def run_interactively(
    parent: QWidget, model: JobsModel, summary: JobSummary, done: Callable[[int | None], None]
) -> None:
    """Ask for options, confirm a dangerous command, run; then `done(run id)` (None: not run).

    The check and the run are the model's (answered at once embedded, when the API
    answers attached); a refusal is shown in one sentence.
    """
    job = JobDef.from_json(summary.definition)
    dialog = RunOptionsDialog(job, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        done(None)
        return
    options, only = dialog.options(), dialog.only()

    def refused(message: str) -> None:
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("RunOptionsDialog", "Cannot run %1").replace("%1", job.id),
            message,
        )
        done(None)

    def checked(reasons: list[str] | None, error: str | None) -> None:
        if error is not None or reasons is None:
            refused(error or "")
            return
        if reasons and not confirm_dangerous(parent, job, reasons):
            done(None)
            return
        model.run_job(job.id, options, only, bool(reasons), started)

    def started(run_id: int | None, error: str | None) -> None:
        if error is not None:
            refused(error)
            return
        done(run_id)

    model.check_command(job.id, options, checked)
