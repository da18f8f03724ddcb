"""MIR and indicators (ficha and measurements) through the API (program designs:
``rumbo.design.api``).

Thin views: reads through the indicators' selectors, writes through the indicators'
services, permission through ``rumbo.institutions.access``. Any member of
the institution reads; writing a row or a ficha needs ``can_edit_design`` (Planeación,
or the Enlace of the design's area); capturing a measurement, ``can_capture_indicator``
(Planeación, or the Enlace of the indicator's area). A measurement follows the monthly
capture of the month that closes its period: the same window, lock and version (409).
"""

from . import indicators, mirs
from .common import router

__all__ = ["indicators", "mirs", "router"]
