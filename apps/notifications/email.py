"""What a notification e-mail looks like: in the recipient's language, a short line and a link
(never the record), a plain-text and an HTML part, and a one-click unsubscribe per kind
(RFC 8058: List-Unsubscribe with List-Unsubscribe-Post)."""
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        return None
    return data["u"], data["k"]


def _unsubscribe_headers(user, kinds) -> dict:
    if len(kinds) != 1:  # a digest mixes kinds: the link manages them all on the preferences page
        return {"List-Unsubscribe": f"<{site(reverse('notifications:preferences'))}>"}
    url = site(reverse("notifications:unsubscribe", args=[unsubscribe_token(user.id, kinds[0])]))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def message_id(key: str) -> str:
    """One notification, one Message-ID, however often it is handed to the mail server: a worker
    killed after sending and before recording it sends it again on restart (there is no sending
    and recording at once), and mail systems drop the copy by its Message-ID."""
    return f"<{key}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


def notification_message(notification) -> EmailMultiAlternatives:
    user = notification.user
    with translation.override(user.preferred_language or "en"):
        context = {
            "user": user,
            "notification": notification,
            # An e-mail leaves the product: its subject and a link, never the record. The text is
            # read in the product, where access is checked and recorded.
            "open_url": site(reverse("notifications:open", args=[notification.id]) if notification.url
                             else reverse("notifications:list")),
            "unsubscribe_url": site(reverse("notifications:unsubscribe",
                                            args=[unsubscribe_token(user.id, notification.kind)])),
            "preferences_url": site(reverse("notifications:preferences")),
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(notification.subject, text, None, [user.email],
                                     headers={**_unsubscribe_headers(user, [notification.kind]),
                                              "Message-ID": message_id(f"notification.{notification.id}")})
    message.attach_alternative(html, "text/html")
    return message


def digest_message(user, notifications) -> EmailMultiAlternatives:
    from django.utils.translation import ngettext

    with translation.override(user.preferred_language or "en"):
        subject = ngettext("Your daily summary: %(n)s notification", "Your daily summary: %(n)s notifications",
                           len(notifications)) % {"n": len(notifications)}
        context = {
            "user": user,
            "items": [{"n": n, "open_url": site(reverse("notifications:open", args=[n.id])) if n.url else ""}
                      for n in notifications],
            "preferences_url": site(reverse("notifications:preferences")),
            "subject": subject,
        }
        text = render_to_string("notifications/digest.txt", context)
        html = render_to_string("notifications/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email],
                                     headers=_unsubscribe_headers(user, sorted({n.kind for n in notifications})))
    message.attach_alternative(html, "text/html")
    return message
