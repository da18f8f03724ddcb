"""Forms: they only parse and validate input; services and selectors do the rest."""
