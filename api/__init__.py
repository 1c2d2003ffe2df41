"""The JSON API v1 (API.md): its root, shared auth and limits, and one module of routes per area."""
