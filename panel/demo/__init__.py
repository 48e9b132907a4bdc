"""The demo workspace's field devices: what a first launch runs so that live values show.

`panel.demo.config` (plain data, no Qt) says what the demo consists of; it is written
into a NEW workspace only when the panel itself creates it on a first run.
`panel.demo.devices` runs the devices as supervised processes for the engine.
"""
