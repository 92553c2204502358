"""One module per operation type; each registers itself with `operations.registry.register`."""
