"""Field-device connections: one worker process per connection (Modbus TCP, OPC UA).

The child side lives in `panel.connections.worker` and imports no Qt; the panel side
(connection supervisor, tag model) talks to it over the line protocol described in
`panel.connections.worker.protocol`.
"""
