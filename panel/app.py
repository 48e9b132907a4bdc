"""The application: Qt (with or without a window) plus the asyncio loop, one engine, the API."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator

from panel import __version__
from panel.qt_loop import qt_event_loop
from panel.service.notify import Notifier
from panel.single_instance import SingleInstance
from panel.util.gc_settle import MainThreadCollector, freeze_startup
from panel.util.paths import resources_dir
from panel.workspace.errors import WorkspaceError
from panel.workspace.location import resolve_workspace_dir

if TYPE_CHECKING:
    import asyncio

    from panel.api.audit import AuditLog
    from panel.api.listen import ListenPlan
    from panel.api.server import ApiServer
    from panel.engine import Engine
    from panel.viewmodels.engine import EngineModel
    from panel.viewmodels.remote.endpoint import Endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from panel.views.main_window import MainWindow
    from panel.workspace.workspace import Workspace

log = logging.getLogger("panel.app")

ORGANIZATION = "OpsPanel"
APPLICATION = "OpsPanel"


def run_app(
    workspace: str | None, headless: bool, watch_jobs: str | None = None, demo: bool = False
) -> int:
    """Run the panel on a workspace until it is quit; returns the process exit code.

    `watch_jobs` (``--watch-jobs FILE``) is stored as the workspace's watched jobs file.
    A new workspace gets the demo devices, connections and jobs in the window, and
    headless only with `demo` (``--demo``): a service starts with none.
    """
    notifier = Notifier.from_environment()  # before any child could inherit $NOTIFY_SOCKET
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    ws_dir = resolve_workspace_dir(workspace)
    app = _make_application(headless)
    _install_translator(app)
    instance = SingleInstance(ws_dir)
    instance.has_window = not headless
    if not instance.claim():
        where = f"OpsPanel already runs on workspace {ws_dir}"
        if headless:
            print(where, file=sys.stderr)
            return 1
        if instance.owner_has_window:
            print(where + "; its window was brought to the front", file=sys.stderr)
            return 0
        from panel.viewmodels.remote.endpoint import workspace_endpoint

        return run_attached(app, workspace_endpoint(ws_dir))
    # The window's first frame ("Starting the engine…") before the workspace, the
    # event loop and the engine are loaded: the operator sees it start at once.
    window = None if headless else _show_first_frame(app, instance)
    from panel.workspace.workspace import DB_NAME, Workspace

    try:
        first_run = not (ws_dir / DB_NAME).exists()
        seeded = seeds_demo(first_run, headless, demo)
        ws = Workspace.open(ws_dir, seed_demo=seeded)
        if first_run and not seeded:
            # Without the demo a new service starts nothing until its server is configured.
            from dataclasses import replace

            ws.save_server_config(replace(ws.server_config(), autostart=False))
        if watch_jobs:
            from panel.jobs.file_watch import WATCH_SETTING

            ws.set_setting(WATCH_SETTING, os.path.abspath(watch_jobs))
    except WorkspaceError as exc:
        _report_fatal(str(exc), headless)
        if window is not None:
            window.allow_close()
            window.close()
        return 1
    import asyncio

    loop = qt_event_loop(app)  # headless: without loading QtGui and QtWidgets
    asyncio.set_event_loop(loop)
    runner = AppRunner(ws, instance, headless, notifier, window)
    with loop:
        return loop.run_until_complete(runner.run())


def run_connected(
    target: str,
    *,
    token_file: str | None = None,
    tls_ca: str | None = None,
    ssh_config: str | None = None,
) -> int:
    """``opspanel --connect TARGET``: a window attached to the engine `target` names.

    `target` is what ``opspanel ctl --url`` takes (``ssh://...``, ``wss://...``); a
    malformed one is one sentence on stderr and exit code 2.
    """
    from panel.viewmodels.remote.endpoint import EndpointError
    from panel.viewmodels.remote.reach import remote_endpoint

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        endpoint = remote_endpoint(
            target, token_file=token_file, tls_ca=tls_ca, ssh_config=ssh_config
        )
    except EndpointError as exc:
        print(f"opspanel: {exc}", file=sys.stderr)
        return 2
    app = _make_application(False)
    _install_translator(app)
    return run_attached(app, endpoint)


def run_attached(app: QCoreApplication, endpoint: Endpoint) -> int:
    """A window attached to an engine in another process, until the window is closed.

    Closing it never stops that engine; when the engine goes away the window says
    so and reattaches by itself once it is back. stderr gets one line when the window
    attaches, and one when it cannot.
    """
    from panel.views.engine_windows import engine_windows
    from panel.views.theme import apply_saved_color_scheme

    apply_saved_color_scheme()
    _set_window_icon()
    windows = engine_windows()
    windows.sig_all_closed.connect(app.quit)  # File › Engines may have opened more windows
    window = windows.open(endpoint)
    link = window.models.link
    assert link is not None
    _report_link(link, window.models.engine)
    if os.environ.get("OPSPANEL_REPORT_STARTUP"):
        from panel.viewmodels.remote.first_data import FirstData

        first = FirstData(link)
        first.sig_arrived.connect(lambda: QTimer.singleShot(0, _report_populated))
        QTimer.singleShot(0, _report_startup)
    QTimer.singleShot(0, freeze_startup)
    try:
        code = app.exec()
    finally:
        windows.close_all()  # ends the links, and an SSH tunnel
    return code


def _report_link(link: RemoteLink, engine: EngineModel) -> None:
    """Say on stderr when the window attaches (again) and why it cannot, once each."""
    said: list[str] = []

    def report(reachable: bool, message: str) -> None:
        if reachable:
            who = engine.identity()
            line = f"window attached to the engine of {link.endpoint.where} (pid {who.pid or '?'})"
        else:
            line = f"window not attached: {message}"
        if not said or said[-1] != line:
            said.append(line)
            print(f"opspanel: {line}", file=sys.stderr, flush=True)

    engine.sig_link.connect(report)


def seeds_demo(first_run: bool, headless: bool, demo: bool) -> bool:
    """Whether a workspace gets the demo: on its first run, in the window or with --demo."""
    return first_run and (demo or not headless)


class AppRunner:
    """Starts the engine, the API and the window, and takes them down in order on quit.

    Under systemd (`Type=notify`) it reports READY=1 once the API listens and the
    engine's autostart was started, and STOPPING=1 when the shutdown begins.
    """

    def __init__(
        self,
        workspace: Workspace,
        instance: SingleInstance,
        headless: bool,
        notifier: Notifier | None = None,
        window: MainWindow | None = None,
    ) -> None:
        """`window`: the window already shown by `_show_first_frame` (made here if None)."""
        import asyncio

        self._first_frame = window
        self.workspace = workspace
        self.instance = instance
        self.headless = headless
        self.notifier = notifier or Notifier(None)
        self.window: object | None = None
        self.audit: AuditLog | None = None
        self._engine: Engine | None = None
        self._quit = asyncio.Event()

    def quit(self) -> None:
        """Stop everything and leave (no questions asked: signals, tray Quit after confirm)."""
        self._quit.set()

    async def run(self) -> int:
        """The whole life of the application."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.quit)
        window = self._first_frame
        if window is None and not self.headless:
            # The window first ("Starting the engine…"): the engine's modules, the
            # engine and the API follow its first frame.
            window = _show_first_frame(None, self.instance)
            await _next_turn()
        if window is not None:
            window.sig_quit_requested.connect(self.quit)
        from panel.engine import Engine

        engine = Engine(self.workspace, headless=self.headless)
        if window is not None:
            self._bind_window(window, engine)
            await _next_turn()
        api, api_address = await self._serve_api(engine)
        if window is not None:
            self._window_ready(window, api_address)
            await _next_turn()  # the window says so first; the engine's start-up work follows
        engine.start()
        if api_address is not None:
            self._start_hooks(engine, api)
        # engine.start() has begun the server's, the connections' and the jobs' start (each
        # then goes on by itself): the API answers and shows them, so the service is ready.
        self.notifier.ready(
            f"API on {api_address}" if api_address else "running; the API could not start"
        )
        await self._quit.wait()
        self.notifier.stopping()
        api.set_plain_http(None)

        done = asyncio.Event()
        engine.sig_shutdown_finished.connect(done.set)
        engine.shutdown()
        await done.wait()
        from panel.api.apifile import remove_api_file

        remove_api_file(self.workspace.api_file)
        await api.close()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        self._close_window()
        if self.audit is not None:
            self.audit.close()
        self.instance.release()
        self.workspace.close()
        return 0

    async def _serve_api(self, engine: Engine) -> tuple[ApiServer, str | None]:
        """The API on `engine`, listening when it can; its local address (None: not started)."""
        from panel.api.audit import AuditLog
        from panel.api.conns_methods import ConnsApi
        from panel.api.engine_methods import EngineApi
        from panel.api.jobs_methods import JobsApi
        from panel.api.metrics import EngineMetrics
        from panel.api.mqtt_methods import MqttApi
        from panel.api.rpc import RpcRegistry
        from panel.api.server import ApiServer
        from panel.api.services_methods import ServicesApi
        from panel.api.sessions_methods import SessionsApi

        registry = RpcRegistry(defer_checks=True)
        from panel.api.apifile import new_token

        token = new_token()
        max_bytes = int(self.workspace.get_setting("api.maxMessageBytes", 1_048_576))
        port = int(self.workspace.get_setting("api.port", 0))
        setting = self.workspace.get_setting
        plan, refused = _listen_plan(setting)
        api = ApiServer(
            registry,
            token,
            host=plan.host,
            port=port,
            max_message_bytes=max_bytes,
            rate_limit=float(setting("api.rateLimit", 1000)),
            rate_burst=int(setting("api.rateBurst", 2000)),
            max_clients=int(setting("api.maxClients", 64)),
            host_names=plan.host_names,
            ssl_context=plan.ssl_context,
            version=__version__,
        )
        EngineApi(engine, api).register(registry)
        ConnsApi(engine.connections, api).register(registry)
        MqttApi(engine.bus).register(registry)
        JobsApi(engine.jobs, api, engine.jobs_watch).register(registry)
        SessionsApi(engine, api).register(registry)
        ServicesApi(engine, api).register(registry)
        audit = AuditLog(self.workspace.db_path)
        audit.attach(registry)
        api.set_metrics(EngineMetrics(engine, api, audit).render)
        self.audit = audit
        api_address: str | None = None
        if refused:
            log.error("API not started: %s", refused)
        else:
            try:
                api_address = await self._start_api(api, plan, token)
            except OSError as exc:
                log.error("API not started: %s", exc)
        return api, api_address

    async def _start_api(self, api: ApiServer, plan: ListenPlan, token: str) -> str:
        """Listen, then write api.json (the local URL, and the certificate with TLS)."""
        port = await api.start()
        tls = plan.ssl_context is not None
        from panel.api.apifile import rpc_url, write_api_file

        url = rpc_url(port, plan.local_host, tls=tls)
        write_api_file(
            self.workspace.api_file, port, token, os.getpid(), url=url, tls_cert=plan.cert_file
        )
        if plan.host != plan.local_host or tls:
            log.info("API reachable from other machines at %s", api.url)
        return f"{plan.local_host}:{port}"

    def _start_hooks(self, engine: Engine, api: ApiServer) -> None:
        """Incoming job webhooks on the API port (see `panel.jobs.hooks`); hooks.json says where."""
        from panel.jobs.hooks import (
            HOOKS_FILE,
            WebhookEndpoint,
            load_or_create_token,
            write_hooks_file,
        )
        from panel.jobs.wait import wait_for_run

        path = self.workspace.root / HOOKS_FILE
        token = load_or_create_token(path)
        jobs = engine.jobs
        api.set_plain_http(
            WebhookEndpoint(token, jobs.run_from_webhook, lambda run: wait_for_run(jobs, run))
        )
        try:
            write_hooks_file(path, api.port, token)
        except OSError as exc:
            log.error("webhooks not announced (%s not written): %s", path, exc)

    def _bind_window(self, window: MainWindow, engine: Engine) -> None:
        """The engine exists: the window shows it; the API's address follows."""
        from panel.viewmodels.models import local_models
        from panel.views.theme import use_framed_style

        use_framed_style()  # the pages' check boxes come now; the first frame had none
        _set_window_icon()  # SVG: Qt's image plugin for it loads after the first frame too
        window.bind(local_models(engine), None)
        window.set_api_address(None, starting=True)
        engine.watch_stats(window)  # headless, nobody looks: the figures are sampled at rest
        self._engine = engine
        if os.environ.get("OPSPANEL_REPORT_STARTUP"):
            QTimer.singleShot(0, _report_populated)  # in this process: read at once

    def _window_ready(self, window: MainWindow, api_address: str | None) -> None:
        """The API is up (or could not start): the window says where, and is the app's."""
        window.set_api_address(api_address)
        if self.audit is not None:
            window.set_audit_source(self.audit.recent)
        self.window = window
        QTimer.singleShot(0, freeze_startup)

    def _close_window(self) -> None:
        window = self.window
        if window is not None:
            from panel.views.engine_windows import engine_windows

            engine_windows().close_all()  # the windows opened from File › Engines
            if self._engine is not None:
                self._engine.unwatch_stats(window)
            window.allow_close()  # type: ignore[attr-defined]
            window.close()  # type: ignore[attr-defined]
            window.deleteLater()  # type: ignore[attr-defined]
            self.window = None


def _show_first_frame(app: QCoreApplication | None, instance: SingleInstance) -> MainWindow:
    """The window, shown (and painted, when `app` is given) before the engine exists;
    `AppRunner` fills it once the engine is made."""
    from PySide6.QtWidgets import QApplication

    from panel.views.main_window import MainWindow
    from panel.views.theme import apply_palette, saved_color_scheme

    # The window may hide and leave the engine running in the background: only
    # quit() ends the application, never the last visible window closing.
    QApplication.setQuitOnLastWindowClosed(False)
    apply_palette(saved_color_scheme())
    window = MainWindow(None, None)
    instance.sig_raise_requested.connect(window.bring_to_front)
    instance.has_window = True
    window.show()
    if os.environ.get("OPSPANEL_REPORT_STARTUP"):
        QTimer.singleShot(0, _report_startup)
    if app is not None:
        app.processEvents()  # the first frame now, before the slow part (no loop runs yet)
    return window


def _set_window_icon() -> None:
    """The application's icon, for its windows' title bars and the task bar."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    icon = resources_dir() / "icons" / "opspanel.svg"
    if icon.exists():
        QApplication.setWindowIcon(QIcon(str(icon)))


def _listen_plan(setting: Callable[[str, Any], Any]) -> tuple[ListenPlan, str | None]:
    """The API's listen plan, or loopback and the reason the API must not start."""
    from panel.api.listen import ListenPlan, ListenRefused, listen_plan

    try:
        return listen_plan(setting), None
    except ListenRefused as exc:
        return ListenPlan("127.0.0.1"), str(exc)


_COLLECTORS: list[MainThreadCollector] = []
"""The application's garbage collector (one per process)."""


def _make_application(headless: bool) -> QCoreApplication:
    argv = sys.argv[:1]
    if headless:
        app = QCoreApplication.instance() or QCoreApplication(argv)
    else:
        from PySide6.QtWidgets import QApplication

        # Fusion, made by Qt itself: setStyle() would load PySide's QStyle type (about
        # 10 ms) before the first frame; the theme frames its indicators after it.
        app = QApplication.instance() or QApplication([*argv, "-style", "fusion"])
        QApplication.setDesktopFileName("opspanel")
    # Cyclic garbage only on this thread: a link's reader thread must never free a
    # Qt object of this one (its timers would fire on freed memory).
    if not _COLLECTORS:
        _COLLECTORS.append(MainThreadCollector(parent=app))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    return app


def _install_translator(app: QCoreApplication) -> None:
    """Load the translation for OPSPANEL_LANG or the system locale, when one is shipped,
    and Qt's own for that language (standard buttons: OK, Cancel, Yes, No...); English
    (its plural forms) for a language without one."""
    locale = QLocale(os.environ["OPSPANEL_LANG"]) if "OPSPANEL_LANG" in os.environ else QLocale()
    translator = QTranslator(app)
    folder = Path(resources_dir()) / "translations"
    if not translator.load(locale, "opspanel", "_", str(folder)):
        # No translation for this language: the English one carries the plural forms
        # ("1 session open", "2 sessions open") of the texts written with %n.
        if translator.load("opspanel_en", str(folder)):
            app.installTranslator(translator)
        return
    app.installTranslator(translator)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)


async def _next_turn() -> None:
    """Return after the Qt events already posted (the window's first show) are handled."""
    import asyncio

    turned: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def turn() -> None:
        if not turned.done():
            turned.set_result(None)

    QTimer.singleShot(0, turn)
    await turned


def _report_startup(what: str = "shown") -> None:
    """Print how long the process took to show its window (OPSPANEL_REPORT_STARTUP=1)."""
    import time

    now = time.time()  # psutil's import (after the first frame) is not part of the figure
    import psutil

    elapsed = now - psutil.Process().create_time()
    print(
        f"opspanel: window {what} {elapsed * 1000:.0f} ms after process start",
        file=sys.stderr,
        flush=True,
    )


def _report_populated() -> None:
    """Print how long until every page had its first data (OPSPANEL_REPORT_STARTUP=1)."""
    _report_startup("populated")


def _report_fatal(message: str, headless: bool) -> None:
    print(f"opspanel: {message}", file=sys.stderr)
    if not headless:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "OpsPanel", message)
