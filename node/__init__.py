"""The domain of a Mekaar node: initiatives, allies, discussions, plans, peers (issue 3 onwards)."""
