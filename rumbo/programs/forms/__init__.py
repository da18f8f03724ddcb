"""Forms of the programs' pages, one module per feature."""
