"""The inactivity limit on a signed-in session: the keep-alive a page pings when its person
chooses to stay signed in. SESSION_SAVE_EVERY_REQUEST renews the session on any request; this
one exists so the warning dialog has something cheap to call that changes nothing else."""
from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def keep_alive(request):
    # 204 renews (the session middleware saves it on the way out); 401 tells the page the session
    # already ended, so it goes to the sign-in page instead of pretending.
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)
