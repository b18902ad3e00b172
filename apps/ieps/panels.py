"""What the IEP page shows beyond the IEP itself, registered by the apps above `ieps`.

`ieps` sits below discussions, evaluations and deadlines and never imports them (DESIGN.md,
"Layers"), yet its page shows their work. So a higher app registers a panel from its
`AppConfig.ready()`:

    from apps.ieps.panels import register_panel
    register_panel("deadlines", "deadlines/_iep_panel.html", deadlines_panel_context, order=30)

- `template` is rendered with the IEP page's context (`iep`, `student`, `request`, `user`) plus
  what `context_fn(request, iep, standing)` answers. The function reads through the app's own
  selectors and policy, so the panel shows only what the person may see; it answers `None` to show
  nothing. `standing` is the person's standing on the child (students.standing), worked out once
  by the page: the panel asks its policy questions with it rather than reading the membership again.
- `slot` says where the panel goes: `"section"` (a section of the page, in `order`), `"facts"`
  (one `<div><dt>…</dt><dd>…</dd></div>` in the page's summary) or `"recommendation"` (inside each
  recommendation's card; the template also gets `rec`; `context_fn` runs once per page, not per
  card, so a panel keeps a constant number of queries).
- `script` is the panel's live listener (a static path such as "js/deadlines/live.js"): an ES
  module that listens for the channel's "iep:event" (static/js/live/channel.js says how). The
  IEP page loads each registered script once, before the channel starts.
- `toc` is the table of contents' entry for a section: `{"label", "anchor"}`, or a list of them
  (a panel may add entries of its own, such as a form further down, through a `toc` key in the
  context it answers).

Registering the same name again replaces the earlier registration (reloads in development).
"""
from collections.abc import Callable
from dataclasses import dataclass

SLOTS = ("facts", "section", "recommendation")
# The home page and a student's page take panels too; their `context_fn(request, subject, standing)`
# gets None (home) or the student, and the person's standing on the student (None on the home page).
PAGE_SLOTS = ("home", "student")


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context_fn: Callable
    order: int = 50
    slot: str = "section"
    toc_label: str = ""
    toc_anchor: str = ""
    script: str = ""


_PANELS: dict[str, Panel] = {}


def register_panel(name: str, template: str, context_fn: Callable, order: int = 50, *, slot: str = "section",
                   toc_label: str = "", toc_anchor: str = "", script: str = "") -> None:
    if slot not in SLOTS + PAGE_SLOTS:
        raise ValueError(f"slot must be one of {SLOTS + PAGE_SLOTS}, not {slot!r}")
    _PANELS[name] = Panel(name, template, context_fn, order, slot, toc_label, toc_anchor, script)


def registered_panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.name))


def panels_for(request, iep, standing=None) -> dict[str, list[tuple[Panel, dict]]]:
    """Each slot's panels with their context, for this person and this IEP, in order. `standing`:
    the person's on the child, when the view already worked it out (worked out here otherwise)."""
    from apps.students.standing import standing_of

    standing = standing_of(standing or request.user, iep.student)
    shown = {slot: [] for slot in SLOTS}
    for panel in registered_panels():
        if panel.slot not in shown:
            continue
        context = panel.context_fn(request, iep, standing)
        if context is not None:
            shown[panel.slot].append((panel, context))
    return shown


def page_panels_for(request, slot: str, subject=None, standing=None) -> list[tuple[Panel, dict]]:
    """The home page's (subject None) or a student page's (subject the student, `standing` the
    person's on them) panels."""
    shown = []
    for panel in registered_panels():
        if panel.slot == slot:
            context = panel.context_fn(request, subject, standing)
            if context is not None:
                shown.append((panel, context))
    return shown


def panel_scripts() -> list[str]:
    """Every registered panel's live listener, once each, in panel order."""
    return list(dict.fromkeys(p.script for p in registered_panels() if p.script))


def table_of_contents(shown) -> list[dict]:
    """The section panels' jump links, in page order, each followed by the entries its context adds."""
    entries = []
    for panel, context in shown["section"]:
        if panel.toc_label:
            entries.append({"label": panel.toc_label, "anchor": panel.toc_anchor or panel.name})
        entries.extend(context.get("toc", ()))
    return entries
