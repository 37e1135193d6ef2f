"""Neighbouring nodes this node replicates with: who may connect here (invitations), whom this node
dials (peer add), what arrived that could not be shown (quarantine). All local-only."""
