"""Impact made visible (docs/dialogue.md, Impact): figures per initiative and per node, derived
from the projection, shown as charts with tables and published as open data without personal
data."""
