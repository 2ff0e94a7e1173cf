"""The graph on the web: an explorer to serve (:func:`create_app`), a site (:func:`write_site`)."""

from .app import create_app
from .site import write_site

__all__ = ["create_app", "write_site"]
