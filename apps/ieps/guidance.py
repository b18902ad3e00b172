"""What a parent can do when they disagree with a recommendation or are unsure: the guidance's
list of actions, each a link to the page where it is done.

Actions live in several apps (the discussion, an independent evaluation; a suggested change and
consent on their own branches), so each app adds its own entry from `AppConfig.ready()`:

    from apps.ieps.guidance import register_guidance_action
    register_guidance_action("discussion", _("Ask in the discussion"), "discussions:discussion",
                             target="recommendation", order=10)

`target` says what the URL takes: the recommendation's id or its IEP's id. An option with no page
(mediation, due process) is explained in the guidance's text, not listed here.
"""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class GuidanceAction:
    key: str
    label: str
    url_name: str
    target: str = "recommendation"
    anchor: str = ""
    order: int = 50
    hint: str = ""


_ACTIONS: dict[str, GuidanceAction] = {}


def register_guidance_action(key: str, label, url_name: str, *, target: str = "recommendation", anchor: str = "",
                             order: int = 50, hint="") -> None:
    if target not in ("recommendation", "iep"):
        raise ValueError("target must be 'recommendation' or 'iep'")
    _ACTIONS[key] = GuidanceAction(key, label, url_name, target, anchor, order, hint)


def guidance_actions_for(recommendation) -> list[dict]:
    """Each registered action with its address for this recommendation, in order."""
    actions = []
    for action in sorted(_ACTIONS.values(), key=lambda a: (a.order, a.key)):
        target_id = recommendation.id if action.target == "recommendation" else recommendation.iep_id
        actions.append({"key": action.key, "label": action.label, "hint": action.hint,
                        "url": reverse(action.url_name, args=[target_id]) + action.anchor})
    return actions


register_guidance_action(
    "position", _("Explain your view in your position"), "ieps:recommendation", anchor="#position-form", order=20,
    hint=_("Say what you see at home, with examples. The whole team reads it."))
register_guidance_action(
    "suggestion", _("Suggest a change"), "ieps:recommendation", anchor="#suggest", order=30,
    hint=_("Propose a middle way, such as other minutes or another setting, and say why."))
register_guidance_action(
    "consent", _("Consent to the parts you agree with"), "ieps:consent", target="iep", order=40,
    hint=_("Each recommendation is its own choice: what you decline stays open to discussion and evaluation."))
