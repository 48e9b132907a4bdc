"""The Services page, its add/edit dialog, and the services' cards on the Overview."""
