"""The community currency ("Doe-punten"): one ledger per node of attributed entries, credits
earned for confirmed hours and spent at participating partners across villages; balances are
derived, and each node confirms its own residents' spending (docs/practices.md §3)."""
