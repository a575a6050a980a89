"""Server-rendered web pages: public pages per tenant, and later the staff workspace."""

from frontend.plugin import FrontendPlugin

__all__ = ["FrontendPlugin"]
