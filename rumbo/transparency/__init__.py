"""Transparency formats (SIPOT) generated from the live data, their definitions as data,
and the publication checker that reads an existing format file."""
