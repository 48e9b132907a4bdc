"""The connection worker: a child process that owns ONE field-device connection.

It is pure asyncio (no Qt): `entry.main(argv)` parses the command line, loads the
connection configuration, and runs `worker.Worker` on one event loop. The panel reads
its stdout (one JSON object per line) and writes commands on its stdin; see
`protocol` for the messages and `entry` for the exit codes.
"""
