"""A notification's words, written in each recipient's language.

A sender never renders the text itself: it hands notify() a Message (a gettext_lazy template and
its parameters), and notify() renders it once per recipient under that person's language. A
plain string would be in the language of whoever caused it (the actor's request), so notify()
refuses one. Parameters may be lazy too (a kind's label, a deadline's title), and are rendered
in the same language."""
from django.utils.functional import Promise


class Message:
    __slots__ = ("params", "template")

    def __init__(self, template: Promise, **params):
        if not isinstance(template, Promise):
            raise TypeError("A notification's text is a gettext_lazy template (rendered in each recipient's "
                            f"language), not {type(template).__name__}: {template!r}")
        self.template = template
        self.params = params

    def render(self) -> str:
        """The text in the language active now (notify() sets the recipient's)."""
        text = str(self.template)
        if not self.params:
            return text
        return text % {name: _render(value) for name, value in self.params.items()}

    def __repr__(self):
        return f"Message({str(self.template)!r}, {self.params!r})"


def _render(value):
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, Promise):
        return str(value)
    return value


def as_message(value) -> Message | None:
    """What notify() accepts: a Message, a bare lazy string, or nothing (no text)."""
    if value is None or value == "":
        return None
    if isinstance(value, Message):
        return value
    return Message(value)  # a lazy string without parameters; anything else is refused here
