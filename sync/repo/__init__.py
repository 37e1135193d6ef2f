"""The automerge-repo network protocol (automerge-repo 2.5.6, automerge-repo-network-websocket
2.5.6): messages, `automerge:` URLs, a sans-I/O synchronizer, and WebSocket client and server loops.

See API.md beside this file for the calls other layers rely on.
"""
