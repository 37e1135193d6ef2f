"""The document types read under the rights that hold across nodes (node/trust/rights.py); the
others are read as they are (a ledger has its own rule: node/ledger/book.py). Apart, so that the
services can ask without importing the rules."""

JUDGED = frozenset(
    {
        "initiative",
        "discussion",
        "person",
        "organisation",
        "grant_call",
        "job",
        "poll",
        "place",
        "event",
        "alliance",
    }
)
