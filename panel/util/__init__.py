"""Plain helpers with no Qt and no knowledge of the rest of the panel."""
