"""The CRDT and replication layer: our own Automerge engine and a sans-I/O sync core.

Imports nothing from node/ or web/, so it can be used as a library on its own.
"""
