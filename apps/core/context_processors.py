def person(request):
    """The signed-in person's header line: name and the role they hold here."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from apps.students.selectors import role_summary_for

    return {"person_role": role_summary_for(user)}
