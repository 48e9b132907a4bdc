"""The dialogs drawn in Qt Designer: `ui/<name>.ui` compiled to `ui_<name>.py` here.

`make forms` (and every make target that runs the panel: run, test, lint, bench,
package) compiles them with `pyside6-uic`; the compiled modules are build output and
are not kept in version control. A designer edits the `.ui` file, `make` rebuilds it.
Their strings go through `lupdate` with the form's class name as the context.
"""
