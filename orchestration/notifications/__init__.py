"""Achievement notifications: detected from the marts, recorded in an outbox, delivered at least once."""
