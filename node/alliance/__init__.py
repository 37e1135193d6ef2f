"""Alliances of villages (docs/dialogue.md, Alliance): nodes that publish their aggregate impact
figures and the skills their residents chose to show, rolled up on one overview page."""
