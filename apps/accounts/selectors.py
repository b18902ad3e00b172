from .models import DistrictMembership


def admin_districts_of(user):
    """The districts this person administers, as a subquery for a list's filter (no query of its own)."""
    if not user.is_authenticated:
        return DistrictMembership.objects.none().values("district_id")
    return DistrictMembership.objects.filter(user=user, role=DistrictMembership.Role.ADMIN).values("district_id")


def admin_district_ids(user) -> list[int]:
    """Read every time, not kept on the user: someone made (or no longer) an administrator is seen
    at once, by the request that changed it and by a socket open for hours."""
    if not user.is_authenticated:
        return []
    return list(admin_districts_of(user).values_list("district_id", flat=True))


def is_district_employee(user, district_id) -> bool:
    return DistrictMembership.objects.filter(user=user, district_id=district_id).exists()


def tokens_of(user):
    """The person's own API tokens that still work, newest first (never anyone else's)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import ApiToken

    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)
