"""Runner sessions: a sandbox folder and a runner child per session (files, shell, datasets).

The panel side (`manager`, `session`) uses QtCore; the runner (`runner/`) imports no Qt.
"""
