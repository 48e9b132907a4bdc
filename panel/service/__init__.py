"""Running the engine as a systemd service: the unit, its installer, and sd_notify."""
