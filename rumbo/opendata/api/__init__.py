"""The anonymous open-data API under /api/v1/open/ (see router.py and docs/open-data.md)."""

from .router import router

__all__ = ["router"]
