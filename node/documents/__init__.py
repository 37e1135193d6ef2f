"""Documents are the source of truth: stored as Automerge bytes, changed one user action at a
time, validated against schemas/ on every local change."""
