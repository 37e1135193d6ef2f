"""Trust between villages (docs/trust.md): which node vouches for each Automerge actor, and the
changes kept aside because no node does."""
