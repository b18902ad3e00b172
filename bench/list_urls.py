"""The bench's own URL configuration: the product's, plus hand-written `.values()` views of the
recommendation and comment lists that answer the same JSON (bench/list_endpoints.py compares
them). They live here, not in the product: they exist only to be the yardstick.

Each does what the product must do too (the token check, the child's visibility, the page
envelope) and nothing else: one `.values()` query per list, dicts built by hand."""
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from rest_framework.renderers import JSONRenderer

from apps.accounts.authentication import ApiTokenAuthentication
from apps.discussions import formatting
from apps.discussions.models import Comment, Thread
from apps.ieps.selectors import hidden_recommendation_ids, iep_get_for, recommendation_get_for
from apps.ieps.models import Recommendation
from apps.ieps.representations import summary_state
from iepteam.urls import urlpatterns as product

PAGE = 50


def _when(value):
    # DRF's DateTimeField: ISO 8601 with microseconds, UTC as "Z".
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _signed_in(request):
    found = ApiTokenAuthentication().authenticate(request)
    if found is None:
        return None
    request.user = found[0]
    return found[0]


def _page(request, rows, count, path_):
    return HttpResponse(JSONRenderer().render({"count": count, "next": None if count <= PAGE else
                                               request.build_absolute_uri(path_ + "?page=2"),
                                               "previous": None, "results": rows}),
                        content_type="application/json")


def recommendations_values(request, iep_id):
    user = _signed_in(request)
    if user is None:
        return JsonResponse({"detail": "unauthenticated"}, status=401)
    iep = iep_get_for(user, iep_id)
    hidden = hidden_recommendation_ids(user, iep)
    query = Recommendation.objects.filter(iep=iep).exclude(id__in=hidden).order_by("id")
    counts = {f"n_{stance}": Count("positions", filter=Q(positions__stance=stance), distinct=True)
              for stance in ("agree", "disagree", "unsure")}
    rows = [{
        "id": r["id"], "iep": r["iep_id"], "author": {"id": r["author_id"], "full_name": r["author__full_name"]},
        "area": r["area"], "kind": r["kind"], "title": r["title"], "description": r["description"],
        "rationale": r["rationale"], "minutes_per_week": r["minutes_per_week"], "setting": r["setting"],
        "status": r["status"], "version": r["version"], "created_at": _when(r["created_at"]),
        "updated_at": _when(r["updated_at"]),
        "positions_summary": {"agree": r["n_agree"], "disagree": r["n_disagree"], "unsure": r["n_unsure"],
                              "state": summary_state(r["n_agree"], r["n_disagree"], r["n_unsure"])},
        "consent": r["consent"],
    } for r in query.values("id", "iep_id", "author_id", "author__full_name", "area", "kind", "title", "description",
                            "rationale", "minutes_per_week", "setting", "status", "version", "created_at",
                            "updated_at", "consent", **counts)[:PAGE]]
    return _page(request, rows, query.count(), request.path)


def comments_values(request, recommendation_id):
    user = _signed_in(request)
    if user is None:
        return JsonResponse({"detail": "unauthenticated"}, status=401)
    rec = recommendation_get_for(user, recommendation_id)
    thread_id = Thread.objects.filter(recommendation=rec).values_list("id", flat=True).first()
    query = Comment.objects.filter(thread_id=thread_id).order_by("id")
    rows = []
    for c in query.values("id", "thread_id", "parent_id", "author_id", "author__full_name", "author_role", "body",
                          "created_at", "edited_at", "deleted_at")[:PAGE]:
        deleted = c["deleted_at"] is not None
        rows.append({
            "id": c["id"], "recommendation": rec.id, "thread": c["thread_id"], "parent": c["parent_id"],
            "author": {"id": c["author_id"], "full_name": c["author__full_name"], "role": c["author_role"]},
            "body": "" if deleted else c["body"], "body_html": "" if deleted else formatting.render(c["body"]),
            "created_at": _when(c["created_at"]), "edited_at": _when(c["edited_at"]), "deleted": deleted,
        })
    return _page(request, rows, query.count() if thread_id else 0, request.path)


urlpatterns = [
    path("bench/ieps/<int:iep_id>/recommendations/", recommendations_values),
    path("bench/recommendations/<int:recommendation_id>/comments/", comments_values),
    path("", include(product)),
]
