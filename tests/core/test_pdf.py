import io

import pytest
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from thrasos.core import pdf


def use_template_dir(settings, directory):
    # Assigning TEMPLATES (not mutating it) makes Django reload the engines.
    engine = {**settings.TEMPLATES[0], "DIRS": [directory, *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [engine]


@pytest.fixture
def french_document(tmp_path, settings):
    template = tmp_path / "pdf" / "test_document.html"
    template.parent.mkdir()
    template.write_text(
        """{% extends "pdf/base.html" %}
{% block title %}Rapport d'activité{% endblock %}
{% block header %}Rapport d'activité{% endblock %}
{% block content %}
<h1>Rapport d'activité – Hélène Ngoué</h1>
<p>Budget prévisionnel : {{ amount }} € pour l'hébergement à Bordeaux.</p>
<div class="page-break"></div>
<p>Deuxième page : Françoise, Zoë, Œuvre, «guillemets».</p>
{% endblock %}""",
        encoding="utf-8",
    )
    use_template_dir(settings, tmp_path)
    return "pdf/test_document.html"


def test_french_pdf_with_accents_euro_and_page_numbers(french_document):
    data = pdf.render_pdf(french_document, {"amount": "12 500"})
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "Rapport d'activité – Hélène Ngoué" in first
    assert "12 500 €" in first
    assert "Page 1 / 2" in first
    assert "Françoise, Zoë, Œuvre" in second
    assert "Page 2 / 2" in second


def test_pdf_fetcher_refuses_anything_but_static_files():
    fetcher = pdf.StaticOnlyFetcher()
    for url in ["file:///etc/passwd", "https://example.org/x.png", "static:../../etc/passwd"]:
        with pytest.raises(pdf.ForbiddenResource):
            fetcher.fetch(url)
    assert b"@page" in fetcher.fetch("static:css/pdf.css").read()


def test_a_template_pointing_outside_static_files_stops_the_rendering(tmp_path, settings):
    template = tmp_path / "pdf" / "leak.html"
    template.parent.mkdir()
    template.write_text('<link rel="stylesheet" href="file:///etc/passwd"><p>x</p>')
    use_template_dir(settings, tmp_path)
    with pytest.raises(FatalURLFetchingError):
        pdf.render_pdf("pdf/leak.html", {})
