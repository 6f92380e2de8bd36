"""PDF rendering with WeasyPrint. Documents are rendered from templates under
templates/<app>/pdf/ that extend pdf/base.html (A4, French, page numbers).

Resources are referenced as ``static:<path>``. The fetcher serves local static
files only, and any other URL stops the rendering: a template (or data shown
in it) can never make the server fetch a remote or arbitrary local file."""

import base64
import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "static:"
# Charts drawn by the server (thrasos/reports/charts.py) travel inside the
# document as data: URLs; nothing is fetched for them.
SVG_DATA_PREFIX = "data:image/svg+xml;base64,"


class ForbiddenResource(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith(SVG_DATA_PREFIX):
            return URLFetcherResponse(
                url,
                body=base64.b64decode(url.removeprefix(SVG_DATA_PREFIX)),
                headers={"Content-Type": "image/svg+xml"},
            )
        path = static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def static_path(url: str) -> Path:
    if not url.startswith(STATIC_PREFIX):
        raise ForbiddenResource(f"PDF resources must be local static files, not {url!r}")
    try:
        found = finders.find(url.removeprefix(STATIC_PREFIX).lstrip("/"))
    except SuspiciousFileOperation:
        found = None
    if found is None:
        raise ForbiddenResource(f"static file not found: {url!r}")
    return Path(found)


def render_pdf(template_name: str, context: dict, *, language: str = "fr") -> bytes:
    return render_pdf_pages(template_name, context, language=language)[0]


def render_pdf_pages(
    template_name: str, context: dict, *, language: str = "fr"
) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    with translation.override(language):
        html = render_to_string(template_name, {**context, "LANGUAGE_CODE": language})
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=StaticOnlyFetcher()).render()
    return document.write_pdf(), len(document.pages)
