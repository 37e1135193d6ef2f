"""Replication with neighbouring nodes over the automerge-repo protocol (sync/repo): which
documents a peer may read and write (host.py), where their changes are stored and projected and the
connections this node keeps open (replicator.py), and the node's own catalog (catalog.py)."""
