from .models import DistrictMembership


def admin_district_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_admin_district_ids", None)
    if cached is None:
        cached = list(
            DistrictMembership.objects.filter(user=user, role=DistrictMembership.Role.ADMIN).values_list(
                "district_id", flat=True
            )
        )
        user._admin_district_ids = cached
    return cached


def is_district_employee(user, district_id) -> bool:
    return DistrictMembership.objects.filter(user=user, district_id=district_id).exists()


def tokens_of(user):
    """The person's own API tokens that still work, newest first (never anyone else's)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import ApiToken

    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)
