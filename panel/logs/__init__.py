"""The log pipeline: a hub that splits, stamps, buffers and files every line, and its model.

`LogHub` takes raw chunks from child processes (and the panel's own messages via
`HubLogHandler`), keeps the newest lines in a columnar ring buffer, writes each
source's rotating file, and announces new lines in batches; `LogListModel`
shows them, filtered, to a view. Only QtCore is used here.
"""

from panel.logs.hub import HubLogHandler, LogHub
from panel.logs.levels import LogLevel, parse_level
from panel.logs.line import LogLine
from panel.logs.model import (
    LevelRole,
    LogListModel,
    MatchRole,
    SeqRole,
    SourceRole,
    StreamRole,
    TextRole,
    TimeRole,
)

__all__ = [
    "HubLogHandler",
    "LevelRole",
    "LogHub",
    "LogLevel",
    "LogLine",
    "LogListModel",
    "MatchRole",
    "SeqRole",
    "SourceRole",
    "StreamRole",
    "TextRole",
    "TimeRole",
    "parse_level",
]
