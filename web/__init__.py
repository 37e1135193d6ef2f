"""The Litestar app: routes, templates and static files (issue 3 onwards)."""
