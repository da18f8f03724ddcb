"""Gunicorn's settings for ``rumbo serve --production`` (docs/deployment.md).

Threads are pooled (gthread), so each thread keeps at most one database connection:
a machine opens at most workers × threads connections to PostgreSQL, health-checked before
reuse (``CONN_HEALTH_CHECKS``) and closed after ``DB_CONN_MAX_AGE`` seconds idle. The
command line of ``rumbo serve`` sets bind, workers and threads; everything else is here.
"""

from __future__ import annotations

import os

wsgi_app = "config.wsgi:application"
worker_class = "gthread"
# A full queue of connections waiting to be accepted (the kernel caps it at somaxconn).
backlog = int(os.environ.get("RUMBO_BACKLOG", "2048"))
# A request that takes longer than this is killed and logged (long exports go to the
# worker queue; the slowest page, a PDF report, takes seconds).
timeout = int(os.environ.get("RUMBO_REQUEST_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak of memory grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# The reverse proxy's X-Forwarded-* are read by Django (RUMBO_TRUSTED_PROXIES), not here.
forwarded_allow_ips = ""
# No runtime control socket: several servers (tests, machines sharing a home) must not
# fight over one path; workers are managed by the service manager (docs/deployment.md).
control_socket_disable = True
