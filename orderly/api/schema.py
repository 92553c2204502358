def only_canonical_paths(endpoints, **kwargs):
    """The `/api/embed`, `/api/operations` and `/api/v3` aliases serve the same views; document them once."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
