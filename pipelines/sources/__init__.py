"""One module per source: official file -> tidy table. Pure Python and pandas, no Dagster."""
