"""Leaving with everything, and keeping a node safe: `mekaar export` / `import` (every document,
as Automerge files and readable JSON, without personal data) and `mekaar backup` / `restore` (a
whole node: identity, documents, sync states and the local-only tables, as one .tar.gz)."""
