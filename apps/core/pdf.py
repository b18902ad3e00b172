"""Documents as PDF (signed IEPs, prior written notices), rendered by WeasyPrint from a template.

A document is built from a child's record, which people wrote: a link or an image address in it
must never make the server fetch anything (cloud metadata at 169.254.169.254, `file:///etc/...`).
The fetcher refuses every address, so the PDF holds only the template's own text and style."""
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class RefuseEveryAddress(URLFetcher):
    """WeasyPrint catches a fetcher's ValueError and renders without the resource."""

    def fetch(self, url, headers=None):
        raise ValueError(f"A document fetches nothing: {url[:80]}")


def pdf_from_template(template_name: str, context: dict) -> bytes:
    """The template's HTML as PDF bytes. Its style is inline (templates/pdf/base.html), because no
    stylesheet address may be fetched either; fonts come from the machine (DejaVu covers Spanish)."""
    return pdf_from_html(render_to_string(template_name, context))


def pdf_from_html(html: str) -> bytes:
    # base_url stays None: a relative address has nothing to resolve against.
    return HTML(string=html, url_fetcher=RefuseEveryAddress()).write_pdf()
