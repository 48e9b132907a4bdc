"""Process supervision: one QObject around QProcess for every child the panel runs.

Import the Qt-side classes from their modules (`panel.supervise.process`,
`panel.supervise.reaper_client`); this package file stays free of Qt so that
no-Qt children (`reaper`, `pdeathsig`) can import their module cheaply.
"""
