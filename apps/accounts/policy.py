"""Who must use multi-factor sign-in: a district's staff and administrators when the district
says so, an evaluator organisation's evaluators when it says so. Everyone else may turn it on."""
from .models import DistrictMembership


def mfa_required_for(user) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    if user.evaluator_organization_id and user.evaluator_organization.mfa_required:
        return True
    return DistrictMembership.objects.filter(user=user, district__mfa_required=True).exists()


def may_turn_mfa_off(user) -> bool:
    return not mfa_required_for(user)
