import io

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from apps.core.pdf import RefuseEveryAddress, pdf_from_html


def _pdf(body: str) -> bytes:
    html = Template('{% extends "pdf/base.html" %}{% block body %}' + body + "{% endblock %}").render(Context())
    return pdf_from_html(html)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_it_renders_spanish_text_with_its_accents():
    text = _text(_pdf("<h1>Notificación previa por escrito</h1><p>Niño, año, acción: ¿sí?</p>"))
    assert "Notificación previa por escrito" in text
    assert "Niño, año, acción" in text


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "file:///etc/passwd",
                                 "https://example.org/a.png", "data:text/plain,hello"])
def test_the_fetcher_refuses_every_address(url):
    with pytest.raises(ValueError):
        RefuseEveryAddress().fetch(url)


def test_a_document_naming_outside_addresses_fetches_nothing(monkeypatch):
    asked = []
    refuse = RefuseEveryAddress.fetch

    def recording_refusal(self, url, headers=None):
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(RefuseEveryAddress, "fetch", recording_refusal)
    pdf = _pdf('<img src="http://169.254.169.254/x.png"><link rel="stylesheet" href="file:///etc/passwd"><p>body</p>')
    assert "body" in _text(pdf)
    # Both addresses reached the refusing fetcher (so none was opened by another path).
    assert "http://169.254.169.254/x.png" in asked
    assert b"root:" not in pdf
