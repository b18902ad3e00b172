"""The product in Spanish: a family that chooses Español (the switcher's cookie, or the browser's
Accept-Language) gets the pages, the API's messages and the plurals in Spanish; English stays
English; and the committed catalog (locale/es) is complete and compiled, so running the project
never needs gettext."""
import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def _in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _page(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


# --- pages ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_iep_page_renders_in_spanish(client, demo):
    client.force_login(demo.parent_maya)
    html = _page(_in(client, "es"), reverse("ieps:iep", args=[demo.maya_iep.id]))

    assert '<html lang="es">' in html
    for spanish in [
        "Espacio del equipo del IEP",             # the brand, in the header
        "IEP del ",                               # the heading: "IEP del 15 de octubre de 2026"
        " de octubre de ",                        # dates in Spanish (the demo IEP meets in October)
        "Recomendaciones",
        "Justificación: por qué se recomienda",
        "Opiniones del equipo",
        "Próxima revisión anual",
        "En desacuerdo",                          # Maya's mother disagrees with the first one
        "Padre, madre o tutor(a)",                # her role, in the header and on her position
        "Terapia ocupacional",                    # the OT's discipline
        "Evaluaciones independientes",
        "Salir",
    ]:
        assert spanish in html, spanish
    for english in ["Rationale: why this is recommended", "Team positions", "Sign out", "Meeting date"]:
        assert english not in html, english


@pytest.mark.django_db
def test_home_page_renders_in_spanish(client, demo):
    client.force_login(demo.parent_maya)
    html = _page(_in(client, "es"), reverse("ieps:home"))

    assert '<html lang="es">' in html
    for spanish in ["Mis hijos", "Inicio", "Próxima revisión anual:", "IEP del ", "Propuesta", "Idioma"]:
        assert spanish in html, spanish
    for english in ["My children", "Annual review due", "Sign out"]:
        assert english not in html, english


@pytest.mark.django_db
def test_the_browser_language_is_enough(client):
    """No cookie yet: a browser set to Spanish gets the sign-in page in Spanish."""
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5").content.decode()

    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html
    assert "Correo electrónico" in html
    assert "Sign in to see your child" not in html


@pytest.mark.django_db
def test_the_language_switcher_sets_spanish(client, demo):
    client.force_login(demo.parent_maya)
    home = reverse("ieps:home")
    answer = client.post(reverse("set_language"), {"language": "es", "next": home})

    assert answer.status_code == 302 and answer["Location"] == home
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    html = _page(client, home)
    assert '<html lang="es">' in html and "Mis hijos" in html


@pytest.mark.django_db
def test_english_pages_stay_english(client, demo):
    client.force_login(demo.parent_maya)
    iep = _page(_in(client, "en"), reverse("ieps:iep", args=[demo.maya_iep.id]))
    home = _page(client, reverse("ieps:home"))

    assert '<html lang="en">' in iep and '<html lang="en">' in home
    for english in ["Recommendations", "Rationale: why this is recommended", "Team positions", "Sign out"]:
        assert english in iep, english
    assert "My children" in home
    for spanish in ["Recomendaciones", "Justificación", "Opiniones del equipo", "Mis hijos", "Salir"]:
        assert spanish not in iep + home, spanish


@pytest.mark.django_db
def test_english_is_the_default(client, demo):
    client.force_login(demo.parent_maya)
    html = _page(client, reverse("ieps:home"))

    assert '<html lang="en">' in html and "My children" in html


# --- API and plurals --------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_messages_follow_accept_language(api_as):
    anonymous = api_as(None)
    wrong = {"email": "parent.maya@demo.example", "password": "not-the-password"}

    es = anonymous.post("/api/v1/auth/token/", wrong, format="json", HTTP_ACCEPT_LANGUAGE="es")
    en = anonymous.post("/api/v1/auth/token/", wrong, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert es.json()["error"]["message"] == "El correo electrónico o la contraseña no son correctos."
    assert en.json()["error"]["message"] == "The e-mail address or password is not right."
    assert es.json()["error"]["code"] == en.json()["error"]["code"]  # codes are for programs: never translated


def test_plurals_in_spanish():
    with translation.override("es"):
        one = translation.ngettext("%(n)s comment", "%(n)s comments", 1) % {"n": 1}
        many = translation.ngettext("%(n)s comment", "%(n)s comments", 3) % {"n": 3}
        none = translation.ngettext("%(n)s new comment", "%(n)s new comments", 0) % {"n": 0}
        days = translation.ngettext("in %(days)s day", "in %(days)s days", 2) % {"days": 2}

    assert (one, many, none, days) == ("1 comentario", "3 comentarios", "0 comentarios nuevos", "en 2 días")


# --- the committed catalog --------------------------------------------------------------------

def _po_entries(path):
    """(flags, msgid, msgid_plural, msgstr or {index: msgstr}) for each entry of a .po file."""
    entries, cur, field = [], None, None

    def close():
        if cur is not None and cur["msgid"] is not None:
            entries.append(cur)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            close()
            cur, field = None, None
            continue
        if cur is None:
            cur = {"flags": set(), "msgid": None, "msgid_plural": None, "msgstr": None, "plural": {}}
        if line.startswith("#,"):
            cur["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                cur["plural"][field] += value
            else:
                cur[field] += value
        else:
            keyword, _space, rest = line.partition(" ")
            if keyword.startswith("msgstr["):
                field = int(keyword[7:-1])
                cur["plural"][field] = ast.literal_eval(rest)
            else:
                field = keyword
                cur[field] = ast.literal_eval(rest)
    return entries


def _translated(entry):
    if entry["msgid_plural"]:  # Spanish has three forms: one, a round million, the rest
        return len(entry["plural"]) == 3 and all(entry["plural"].values())
    return bool(entry["msgstr"])


def test_the_spanish_catalog_is_complete():
    entries = [e for e in _po_entries(LOCALE / "django.po") if e["msgid"]]

    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not _translated(e)]
    assert not fuzzy, fuzzy
    assert not untranslated, untranslated


def test_the_compiled_catalog_matches_the_po():
    """django.mo is committed: it must be compiled from the current django.po."""
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = []
    for e in _po_entries(LOCALE / "django.po"):
        if not e["msgid"]:
            continue
        if e["msgid_plural"]:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            want = [e["plural"][0], e["plural"][2]]
        else:
            got, want = compiled.gettext(e["msgid"]), e["msgstr"]
        if got != want:
            stale.append(e["msgid"])
    assert not stale, f"run compilemessages: {stale[:5]}"
