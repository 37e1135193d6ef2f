"""Polls: Loomio-style decisions on a discussion or an initiative, one vote per person across
villages (docs/dialogue.md)."""
