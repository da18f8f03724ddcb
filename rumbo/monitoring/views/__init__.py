"""The monitoring pages, one module per feature: the monthly capture, the dashboards, the
activities behind a figure (progress), evidence downloads and Planeación's monitoring
settings. Their URLs are in ``rumbo.monitoring.urls`` (mounted in the ``web`` namespace)."""
