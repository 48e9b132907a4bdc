"""The session runner: a plain Python child (no Qt) that runs one session's commands."""
