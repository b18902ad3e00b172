"""Every route under /api/, read from the URL configuration itself (never listed by hand), with
the methods its view answers."""
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    path: str  # with <converter:name> placeholders
    name: str
    view: type
    methods: frozenset  # lower-case

    def fill(self, **values) -> str:
        """The path with each placeholder replaced by values[name] (default 1)."""
        out = self.path
        for key in self._params():
            out = out.replace(key[0], str(values.get(key[1], 1)))
        return "/" + out

    def _params(self):
        import re

        return [(m.group(0), m.group(1)) for m in re.finditer(r"<(?:\w+:)?(\w+)>", self.path)]

    @property
    def params(self) -> list[str]:
        return [name for _placeholder, name in self._params()]


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def api_routes() -> list[Route]:
    routes = []
    for path, entry in _walk(get_resolver().url_patterns):
        if not path.startswith("api/") or path.startswith("^"):  # the catch-all is a regex
            continue
        view = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
        assert view is not None, f"{path} is not a class-based API view"
        methods = frozenset(m for m in METHODS if hasattr(view, m))
        routes.append(Route(path=path, name=entry.name or path, view=view, methods=methods))
    return routes
