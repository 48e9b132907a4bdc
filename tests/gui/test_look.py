"""Look and feel: the light and dark schemes, the icons, the stylesheet, the first size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QScrollArea,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.viewmodels.models import local_models
from panel.views import theme, ui_settings
from panel.views.icons import NAMES, icon_dir
from panel.views.main_window import MainWindow, first_start_geometry
from panel.views.theme import apply_saved_color_scheme, light_palette
from tests.gui.conftest import _shut_down, _start_engine

Role = QPalette.ColorRole


def _use(window: MainWindow, scheme: str) -> None:
    window.set_theme(scheme)


@pytest.fixture
def themed(window: MainWindow) -> Iterator[MainWindow]:
    """The window; the scheme goes back to following the system afterwards."""
    yield window
    window.set_theme("system")


def _ink(icon: QIcon, size: int = 20) -> QColor:
    """The average colour of the icon's opaque pixels (its strokes)."""
    image = icon.pixmap(QSize(size, size)).toImage()
    total = [0, 0, 0]
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 200:
                total = [total[0] + pixel.red(), total[1] + pixel.green(), total[2] + pixel.blue()]
                count += 1
    assert count, "the icon draws nothing"
    return QColor(*(round(t / count) for t in total))


def test_dark_and_light_set_the_widgets_colours(themed: MainWindow, qtbot: QtBot) -> None:
    window = themed
    label = window.engine_label
    _use(window, "dark")
    qtbot.waitUntil(lambda: window.palette().color(Role.Window) == QColor("#2b2d31"))
    assert window.palette().color(Role.WindowText) == QColor("#e6e6e6")
    assert label.palette().color(Role.WindowText) == QColor("#e6e6e6")
    # the sidebar sits on the window's colour (the stylesheet), the pages' lists on Base
    assert window.sidebar.palette().color(Role.Base) == QColor("#2b2d31")
    assert window.sidebar.palette().color(Role.Text) == QColor("#e6e6e6")
    assert window.logs_view.palette().color(Role.Base) == QColor("#1e1f22")

    _use(window, "light")
    light = light_palette()
    qtbot.waitUntil(lambda: window.palette().color(Role.Window) == light.color(Role.Window))
    assert window.palette().color(Role.Window).lightness() > 200
    assert label.palette().color(Role.WindowText) == light.color(Role.WindowText)
    assert window.sidebar.palette().color(Role.Base) == light.color(Role.Window)
    assert window.logs_view.palette().color(Role.Base) == light.color(Role.Base)


def test_the_light_palette_is_fusions_own(qapp: QApplication) -> None:
    """Written out (so the first frame needs no style object), it stays Fusion's."""
    fusion = QStyleFactory.create("Fusion").standardPalette()
    ours = light_palette()
    groups = (
        QPalette.ColorGroup.Active,
        QPalette.ColorGroup.Inactive,
        QPalette.ColorGroup.Disabled,
    )
    differ = [
        (group.name, role.name, ours.color(group, role).name(), fusion.color(group, role).name())
        for group in groups
        for role in Role
        if role != Role.NColorRoles
        and ours.color(group, role).rgba() != fusion.color(group, role).rgba()
    ]
    assert differ == []


def test_following_the_system_offscreen_is_light(themed: MainWindow, qtbot: QtBot) -> None:
    window = themed
    _use(window, "dark")
    _use(window, "system")  # the offscreen platform reports no scheme: light
    assert QSettings().value(ui_settings.THEME) == "system"
    qtbot.waitUntil(lambda: window.palette().color(Role.Window).lightness() > 200)
    assert window.palette().color(Role.WindowText).lightness() < 60


def test_following_the_system_follows_a_switch_to_dark(
    themed: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = themed
    _use(window, "system")
    hints = QGuiApplication.styleHints()
    # Offscreen no platform theme reports a scheme (it cannot exist here): stand in for
    # a desktop that switches to dark, as Qt tells the application.
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: window.palette().color(Role.Window) == QColor("#2b2d31"))
    assert _ink(window.sidebar.item(0).icon()).lightness() > 180  # the icons follow
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: window.palette().color(Role.Window).lightness() > 200)
    _use(window, "light")  # a forced scheme no longer follows the desktop
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.palette().color(Role.Window).lightness() > 200


def test_every_sidebar_entry_has_an_icon_in_both_schemes(themed: MainWindow) -> None:
    window = themed
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Overview", "Server", "Services", "Logs", "Connections", "Jobs", "Sessions"]
    inks = {}
    for scheme in ("light", "dark"):
        _use(window, scheme)
        for row in range(window.sidebar.count()):
            icon = window.sidebar.item(row).icon()
            assert not icon.isNull(), (scheme, titles[row])
        inks[scheme] = _ink(window.sidebar.item(0).icon())  # Overview: no state dot
    assert inks["light"].lightness() < 80  # dark strokes on a light sidebar
    assert inks["dark"].lightness() > 180  # light strokes on a dark one
    for action in (window.start_action, window.stop_action, window.restart_action):
        assert _ink(action.icon()).lightness() > 180
    assert _ink(window.server_view.start_button.icon()).lightness() > 180
    for button in (window.services_view.start_button, window.services_view.add_button):
        assert _ink(button.icon()).lightness() > 180


def test_the_state_dot_stays_on_the_sidebar_icon(themed: MainWindow) -> None:
    window = themed
    server = window.sidebar.item(window.pages.indexOf(window.server_view))
    image = server.icon().pixmap(QSize(20, 20)).toImage()
    corner = image.pixelColor(16, 16)  # the badge: the stopped server's grey dot
    assert (corner.red(), corner.green(), corner.blue()) == (0x8A, 0x8F, 0x98)


def test_the_icon_files_are_installed() -> None:
    folder = icon_dir()
    for name in NAMES:
        svg = folder / f"{name}.svg"
        assert svg.is_file(), svg
        assert "currentColor" in svg.read_text(encoding="utf-8")
        assert not QIcon(str(svg)).isNull()


def test_the_stylesheet_is_loaded_at_start(themed: MainWindow) -> None:
    apply_saved_color_scheme()  # what the application does before the window opens
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert "QListWidget#sidebar" in app.styleSheet()
    assert "palette(" in app.styleSheet()  # colours follow the scheme
    assert themed.sidebar.objectName() == "sidebar"


def test_first_start_geometry_is_most_of_the_screen_capped() -> None:
    assert first_start_geometry(QRect(0, 0, 1920, 1080)) == QRect(192, 108, 1536, 864)
    assert first_start_geometry(QRect(0, 0, 3840, 2160)) == QRect(1120, 580, 1600, 1000)
    small = first_start_geometry(QRect(0, 0, 800, 500))  # never beyond the screen
    assert small.size() == QSize(800, 500)


@pytest.fixture
def engine_without_window(tmp_path: Path, qtbot: QtBot, free_port: int) -> Iterator[Engine]:
    QSettings().remove(ui_settings.WINDOW_GEOMETRY)  # a first start
    eng = _start_engine(tmp_path / "ws", free_port)
    yield eng
    _shut_down(qtbot, eng)
    eng.workspace.close()
    QSettings().remove(ui_settings.WINDOW_GEOMETRY)


def _open(engine: Engine) -> MainWindow:
    window = MainWindow(local_models(engine), None)
    window.show()
    return window


def _close(window: MainWindow) -> None:
    window.allow_close()
    window.close()
    window.deleteLater()


def test_first_start_fits_the_screen_then_the_geometry_is_remembered(
    engine_without_window: Engine, qtbot: QtBot
) -> None:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    available = screen.availableGeometry()  # offscreen: 800 x 800
    window = _open(engine_without_window)
    qtbot.waitExposed(window)
    assert window.size() == QSize(800, 640)  # 80 % of the height, the minimum width
    assert window.geometry() == first_start_geometry(available)
    window.setGeometry(QRect(0, 40, 800, 600))
    qtbot.waitUntil(lambda: window.size() == QSize(800, 600))
    _close(window)

    again = _open(engine_without_window)
    qtbot.waitExposed(again)
    assert again.size() == QSize(800, 600)
    assert (again.geometry().x(), again.geometry().y()) == (0, 40)
    _close(again)


def test_every_page_has_the_same_room_around_it(themed: MainWindow) -> None:
    pages = [themed.pages.widget(i) for i in range(themed.pages.count())]
    # A scrolled page (the Overview) has its room in its content's layout.
    layouts = [
        page.widget().layout() if isinstance(page, QScrollArea) else page.layout() for page in pages
    ]
    assert all(layouts) and len(layouts) == len(pages)
    margins = {layout.contentsMargins().left() for layout in layouts}
    assert margins == {10}  # none flush against the sidebar, none with double room


def _frame_contrast(box: QCheckBox) -> float:
    """How far the darkest-or-lightest pixel of the box's indicator stands from the window
    colour (0-255 in lightness): 0 means the box cannot be seen."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    style = box.style()
    rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    window = box.palette().color(Role.Window).lightness()
    ratio = image.devicePixelRatio()
    edge = [
        image.pixelColor(round(x * ratio), round(rect.top() * ratio)).lightness()
        for x in range(rect.left() + 2, rect.right() - 1)
    ]
    return max(abs(value - window) for value in edge)


def _show_in_scheme(
    window: MainWindow, page: QWidget, widget: QWidget, qtbot: QtBot, scheme: str
) -> None:
    """`page` shown in `scheme`, once `widget` is visible and painted in its colours."""
    _use(window, scheme)
    window.show_page(page)
    qtbot.waitUntil(widget.isVisible)
    dark = scheme == "dark"
    qtbot.waitUntil(lambda: (widget.palette().color(Role.Window).lightness() < 128) == dark)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_unchecked_box_can_be_seen_in_both_schemes(
    themed: MainWindow, qtbot: QtBot, scheme: str
) -> None:
    view = themed.connections_view
    box = view.keep_running_box
    box.setChecked(False)
    _show_in_scheme(themed, view, box, qtbot, scheme)
    assert _frame_contrast(box) >= 40, f"the box's frame is lost in the {scheme} window colour"


def _face(button: QWidget) -> int:
    """The lightness of a button's face, beside its left edge, halfway down."""
    image = button.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(5 * ratio), round(button.height() / 2 * ratio)).lightness()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_toggle_that_is_on_stands_out_in_both_schemes(
    themed: MainWindow, qtbot: QtBot, scheme: str
) -> None:
    """Logs' Follow, on, beside Clear: an operator sees at once that it is on."""
    view = themed.logs_view
    view.set_following(True)
    _show_in_scheme(themed, view, view.follow_button, qtbot, scheme)
    assert view.follow_button.isChecked() and not view.clear_button.isChecked()
    contrast = abs(_face(view.follow_button) - _face(view.clear_button))
    assert contrast >= 20, f"Follow on looks like Clear in the {scheme} scheme ({contrast})"
