"""What the window shows, fed by an engine in this process or by one reached over its API.

Views see only these view models (one per area), never engine objects. Each area
has two implementations with the same signals and methods: `local` (the embedded
engine's signals and methods) and `remote` (the JSON-RPC API and its
subscriptions). The typed read models they carry (`ServerSnapshot`,
`ConnectionSnapshot`, ...) are the same ones the engine and the API use.
"""
