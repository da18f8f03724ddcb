"""Long exports: queued on Redis (django-rq) when it is configured, run inline otherwise."""
