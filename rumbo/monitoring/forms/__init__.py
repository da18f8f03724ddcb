"""What the monitoring pages read from a request, one module per feature: the capture grid
(``capture``) and Planeación's monitoring settings (``monitoring_admin``)."""
