"""Program designs (Marco Lógico) through the API: the reads (designs.py) and the writes of
the general fields and of each kind of item (writes.py).

Thin views: reads through the designs' selectors, writes through the design services,
permission through ``rumbo.institutions.access``. Any member of the institution reads;
writing needs ``can_edit_design`` (Planeación, or the Enlace of the design's area).
"""

from . import designs, writes
from .designs import router

__all__ = ["designs", "router", "writes"]
