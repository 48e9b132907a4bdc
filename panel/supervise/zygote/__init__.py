"""A zygote: a small process that imported a child's code once and forks children on request.

`server` is the zygote process (no Qt); `client` and `child` are the panel's side:
`Zygote` runs one zygote and `ForkedChild` stands in for a QProcess, so
`ManagedProcess` supervises a forked child like a spawned one.
"""
