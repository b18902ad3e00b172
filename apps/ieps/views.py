"""Pages: the same selectors and services as the API, rendered for people."""
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import render

from apps.accounts.selectors import admin_district_ids
from apps.audit.services import access_record
from apps.students.models import Role
from apps.students.selectors import role_for, student_get_for, students_visible_to, team_for

from .models import IEP
from .selectors import iep_get_for, ieps_of_student, positions_of, recommendation_get_for, recommendations_of, versions_of


@login_required
def home(request):
    """Parents see their children, staff their caseload, administrators the district."""
    students = students_visible_to(request.user).prefetch_related(
        Prefetch("ieps", queryset=IEP.objects.order_by("-meeting_at", "-id"))
    )
    return render(request, "ieps/home.html", {
        "students": students,
        "is_district_admin": bool(admin_district_ids(request.user)),
    })


@login_required
def student_page(request, student_id):
    student = student_get_for(request.user, student_id)
    access_record(actor=request.user, student=student, obj=student)
    return render(request, "ieps/student.html", {
        "student": student,
        "role": role_for(request.user, student),
        "team": team_for(student),
        "ieps": ieps_of_student(student).annotate(recommendation_count=Count("recommendations")),
    })


@login_required
def iep_page(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    access_record(actor=request.user, student=iep.student, obj=iep)
    recommendations = recommendations_of(iep).prefetch_related("positions__user")
    return render(request, "ieps/iep.html", {
        "iep": iep,
        "student": iep.student,
        "role": role_for(request.user, iep.student),
        "recommendations": recommendations,
    })


@login_required
def recommendation_page(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    access_record(actor=request.user, student=rec.iep.student, obj=rec)
    return render(request, "ieps/recommendation.html", {
        "recommendation": rec,
        "iep": rec.iep,
        "student": rec.iep.student,
        "role": role_for(request.user, rec.iep.student),
        "versions": versions_of(rec),
        "positions": positions_of(rec),
        "is_parent": role_for(request.user, rec.iep.student) == Role.PARENT,
    })
