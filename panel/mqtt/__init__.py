"""The tag bus: connection workers publish their tags on MQTT, the engine its system events.

Worker side (no Qt; runs inside each connection worker): `publisher.BusPublisher`, the
sink the worker hands its samples, states and write answers to; `bus_writes` turns
`<tag>/set` messages into the worker's own writes. Engine side (QtCore): the embedded
broker (`embedded.EmbeddedBroker`, the child `broker` runs amqtt), the system-event
bridge (`engine_bus.EngineBus`) and the bus status (`status.BusStatus`).
"""
