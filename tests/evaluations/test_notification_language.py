"""Every notification is written in its recipient's language, never in the language of the person
whose action caused it (issue 9: `User.preferred_language`), and the e-mail's subject with it.

Two checks: every kind the apps send, run with Spanish recipients while every actor works in
English; and a scan of every `notify(...)` call in the apps, so a new one cannot hand over text
already rendered (notify() refuses a plain string at run time as well)."""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.notifications.messages import Message
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.notifications.tasks import deliver_email

from .helpers import Flow
from .test_mentions_and_notifications import KINDS, _run_every_kind


def _patterns(texts):
    """Each catalog text as a full-match pattern, its %(name)s parameters as wildcards."""
    out = []
    for text in texts:
        parts = re.split(r"%\([a-z_]+\)[sd]", text)
        if len(parts) > 1 and not any(len(p.strip(" .,:;'")) >= 4 for p in parts):
            continue  # nothing but a parameter or two ("%(kind)s for %(child)s"): says nothing of a language
        out.append(re.compile(".+?".join(re.escape(p) for p in parts)))
    return out


def _catalog():
    catalog = translation.trans_real.translation("es")._catalog
    pairs = [(k, v) for k, v in catalog.items() if isinstance(k, str) and k and v and k != v]
    return _patterns([k for k, _v in pairs]), _patterns([v for _k, v in pairs])


def _in(patterns, text):
    return any(p.fullmatch(text) for p in patterns)


@pytest.fixture
def english_actors(demo):
    """Clients that act in English (the language cookie wins over the saved language), for people
    whose saved language is Spanish."""
    from tests.conftest import api_client_for

    def make(persona):
        client = api_client_for(demo.users[persona] if persona else None)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_every_kind_reaches_a_spanish_recipient_in_spanish_whatever_the_actors_language(demo, media,
                                                                                      english_actors):
    User.objects.update(preferred_language="es")
    flow = Flow(demo, english_actors)
    response = flow.call("admin", "get", "/api/v1/me/")
    assert response.headers.get("Content-Language") == "en"  # the actors do work in English
    _run_every_kind(flow, demo)
    english, spanish = _catalog()

    notes = list(Notification.objects.select_related("user"))
    assert {n.kind for n in notes} == KINDS
    mail.outbox.clear()
    for note in notes:
        deliver_email(note.id)
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    for note in notes:
        for words in filter(None, (note.subject, note.text)):
            assert _in(spanish, words) and not _in(english, words), (note.kind, words)
        assert (note.user.email, note.subject) in subjects, note.kind  # the e-mail's subject is hers


def test_one_call_writes_each_recipient_in_their_own_language(demo):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save()
    with translation.override("en"):
        rows = notify([demo.parent_maya, demo.ot], "evaluation.submitted",
                      Message(gettext_lazy("The independent evaluation of %(child)s is in"), child="Maya"),
                      gettext_lazy("Read the report and the findings, then record that you considered them."))
    by_person = {row.user_id: row for row in rows}
    assert by_person[demo.ot.id].subject == "The independent evaluation of Maya is in"
    assert by_person[demo.parent_maya.id].subject != by_person[demo.ot.id].subject
    with translation.override("es"):
        assert by_person[demo.parent_maya.id].subject == str(
            gettext_lazy("The independent evaluation of %(child)s is in")) % {"child": "Maya"}


@pytest.mark.parametrize("words", ["Already written in the actor's language", 'f"{name} mentioned you"'])
def test_text_already_rendered_is_refused(demo, words):
    with pytest.raises(TypeError):
        notify([demo.ot], "mention", words)
    with pytest.raises(TypeError):
        notify([demo.ot], "mention", gettext_lazy("Fine"), words)
    assert not Notification.objects.exists()


def _notify_calls():
    for path in sorted(Path(settings.BASE_DIR, "apps").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "notify":
                yield path.relative_to(settings.BASE_DIR), node


def _words_of(call: ast.Call):
    """The subject and text arguments of one notify(users, kind, subject, text, ...) call."""
    return list(call.args[2:4]) + [k.value for k in call.keywords if k.arg in ("subject", "text")]


LAZY = ("Message", "gettext_lazy", "pgettext_lazy", "ngettext_lazy")


def _written_per_recipient(node, module, seen=frozenset()) -> bool:
    """A Message or a lazy string, directly, through either branch of a condition, or through a
    variable of the module every value of which is one (also from a tuple a module function returns)."""
    if node is None:
        return False
    if isinstance(node, ast.Call):
        return getattr(node.func, "id", getattr(node.func, "attr", "")) in LAZY
    if isinstance(node, ast.IfExp):
        return all(_written_per_recipient(n, module, seen) for n in (node.body, node.orelse))
    if isinstance(node, ast.Name):
        if node.id in seen:
            return True  # its other values decide
        values = list(_values_of(node.id, module))
        return bool(values) and all(_written_per_recipient(v, module, seen | {node.id}) for v in values)
    return False


def _values_of(name, module):
    functions = {f.name: f for f in ast.walk(module) if isinstance(f, ast.FunctionDef)}
    for node in ast.walk(module):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                yield node.value
            elif isinstance(target, ast.Tuple):
                index = next((i for i, t in enumerate(target.elts) if getattr(t, "id", None) == name), None)
                if index is None:
                    continue
                if isinstance(node.value, ast.Tuple):
                    yield node.value.elts[index]
                elif isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) in functions:
                    for ret in ast.walk(functions[node.value.func.id]):
                        if isinstance(ret, ast.Return):
                            yield ret.value.elts[index] if isinstance(ret.value, ast.Tuple) else None
                else:
                    yield None


def test_every_notify_call_in_the_apps_hands_over_words_to_be_written_per_recipient():
    calls = list(_notify_calls())
    assert len(calls) >= 11  # the scan finds them (mentions, replies, questions, evaluations, reminders)
    for path, call in calls:
        module = ast.parse(Path(settings.BASE_DIR, path).read_text())
        for node in _words_of(call):
            assert _written_per_recipient(node, module), (
                f"{path}:{call.lineno}: notify() takes a Message or gettext_lazy text, written per recipient; "
                f"got {ast.unparse(node)}")
