"""The events dataset: command-line validation of the bundled (or given) CSV files."""
