"""The parts of the Overview page: the header line, connection tiles, today's jobs, problems."""
