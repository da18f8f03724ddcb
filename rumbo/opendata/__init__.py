"""Open data: what an institution has published, readable without logging in."""
