"""Demo district, two families and their teams. Idempotent; refuses production settings."""
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import District, DistrictMembership, EvaluatorOrganization, School, User
from apps.ieps import services
from apps.ieps.models import IEP, Position
from apps.students.models import Discipline, Membership, Role, Student

DISTRICT = "Riverside Unified School District"
PEOPLE = [
    # e-mail, full name, what they are
    ("admin@demo.example", "Dana Whitfield", "district admin"),
    ("casemanager@demo.example", "Sam Okafor", "case manager on both teams"),
    ("ot@demo.example", "Priya Natarajan", "occupational therapist on Maya's team"),
    ("slp@demo.example", "Marcus Bell", "speech-language pathologist on Maya's team"),
    ("teacher.leo@demo.example", "Hannah Lee", "special education teacher on Leo's team only"),
    ("parent.maya@demo.example", "Elena Rivera", "Maya's mother"),
    ("parent.leo@demo.example", "Wei Chen", "Leo's father"),
    ("evaluator@demo.example", "Dr. Jordan Ames", "independent evaluator, on no case yet"),
]


class Command(BaseCommand):
    help = "Create the demo district, families, teams, IEPs and logins (all with the given password)."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo account.")

    def handle(self, *args, password, **options):
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("seed_demo refuses to run with production settings.")
        if len(password) < 8:
            raise CommandError("Choose a password of at least 8 characters.")
        kept = District.objects.filter(name=DISTRICT).exists()
        with transaction.atomic():
            people = self._people(password)
            maya, leo = self._district(people)
            self._maya_iep(maya, people)
            self._leo_iep(leo, people)
        if kept:
            self.stdout.write(self.style.SUCCESS(
                "The demo data of an earlier run was kept, with every change made since. "
                "To start from scratch: `make clean` (it deletes var/), then `make run`."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Sign in at {settings.SITE_URL.rstrip('/')}/ with:")
        for email, name, what in PEOPLE:
            self.stdout.write(f"  {email:<28} {password}   {name}, {what}")

    def _people(self, password):
        org, _ = EvaluatorOrganization.objects.get_or_create(name="Independent Child Assessment Associates")
        people = {}
        for email, name, _what in PEOPLE:
            user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
            user.full_name = name
            user.set_password(password)
            # Nobody of the demo district is an operator (a district administrator works
            # through the product's pages); `make run` prints an operator account apart.
            user.is_staff = user.is_superuser = False
            if email.startswith("evaluator@"):
                user.evaluator_organization = org
            user.save()
            people[email.split("@")[0]] = user
        return people

    def _district(self, p):
        district, _ = District.objects.get_or_create(name=DISTRICT)
        oak, _ = School.objects.get_or_create(district=district, name="Oak Street Elementary")
        maple, _ = School.objects.get_or_create(district=district, name="Maple Middle School")
        DistrictMembership.objects.get_or_create(user=p["admin"], district=district,
                                                 defaults={"role": DistrictMembership.Role.ADMIN})
        for key in ("casemanager", "ot", "slp", "teacher.leo"):
            DistrictMembership.objects.get_or_create(user=p[key], district=district,
                                                     defaults={"role": DistrictMembership.Role.EMPLOYEE})
        maya, _ = Student.objects.get_or_create(
            district=district, first_name="Maya", last_name="Rivera",
            defaults={"school": oak, "date_of_birth": date(2017, 3, 14)})
        leo, _ = Student.objects.get_or_create(
            district=district, first_name="Leo", last_name="Chen",
            defaults={"school": maple, "date_of_birth": date(2014, 9, 2)})
        team = [
            (maya, "parent.maya", Role.PARENT, ""),
            (maya, "casemanager", Role.CASE_MANAGER, Discipline.SPECIAL_EDUCATION),
            (maya, "ot", Role.CLINICIAN, Discipline.OT),
            (maya, "slp", Role.CLINICIAN, Discipline.SLP),
            (leo, "parent.leo", Role.PARENT, ""),
            (leo, "casemanager", Role.CASE_MANAGER, Discipline.SPECIAL_EDUCATION),
            (leo, "teacher.leo", Role.CLINICIAN, Discipline.SPECIAL_EDUCATION),
        ]
        for student, key, role, discipline in team:
            Membership.objects.get_or_create(user=p[key], student=student,
                                             defaults={"role": role, "discipline": discipline})
        return maya, leo

    def _maya_iep(self, maya, p):
        if IEP.objects.filter(student=maya).exists():
            return
        iep = services.iep_create(actor=p["casemanager"], student=maya, meeting_at=date(2026, 10, 15),
                                  last_evaluated_on=date(2024, 10, 1))
        ot = services.recommendation_create(
            actor=p["ot"], iep=iep, kind="service", area="Fine motor", setting="Pull-out, OT room",
            title="Reduce occupational therapy to 30 minutes a week",
            description="Move from two 30-minute sessions to one, with a classroom consult each month.",
            rationale=("Maya met 3 of her 4 fine-motor goals this year: she forms letters legibly and manages "
                       "fasteners on her own. Classroom observation shows she keeps up with written work, so "
                       "the remaining goal can be served in one session plus a monthly consult."),
            minutes_per_week=30)
        services.recommendation_create(
            actor=p["slp"], iep=iep, kind="service", area="Expressive language", setting="Small group",
            title="Speech-language therapy, 60 minutes a week",
            rationale="Maya's narrative retell is two years below age expectations (test of narrative language, 2026).",
            minutes_per_week=60)
        services.recommendation_create(
            actor=p["casemanager"], iep=iep, kind="accommodation", area="Testing",
            title="Extended time (1.5×) on written tests",
            rationale="Handwriting fatigue after about 15 minutes, seen in class and reported at home.")
        services.recommendation_create(
            actor=p["ot"], iep=iep, kind="goal", area="Fine motor",
            title="Copy a 5-sentence paragraph legibly within 10 minutes",
            rationale="The one fine-motor goal not yet met; measured monthly with work samples.")
        services.position_set(actor=p["parent.maya"], recommendation=ot, stance=Position.Stance.DISAGREE,
                              observed_in=Position.Observed.HOME,
                              basis="At home Maya still cannot button her coat or write a birthday card without help.",
                              examples="Homework takes her an hour; she cries when she has to write more than a few lines.")
        services.position_set(actor=p["ot"], recommendation=ot, stance=Position.Stance.AGREE,
                              observed_in=Position.Observed.SCHOOL,
                              basis="Progress data on goals 1-3; in class she finishes written work with peers.")
        services.iep_set_status(actor=p["casemanager"], iep=iep, status=IEP.Status.PROPOSED)

    def _leo_iep(self, leo, p):
        if IEP.objects.filter(student=leo).exists():
            return
        iep = services.iep_create(actor=p["casemanager"], student=leo, meeting_at=date(2026, 9, 20),
                                  last_evaluated_on=date(2025, 5, 12))
        services.recommendation_create(
            actor=p["teacher.leo"], iep=iep, kind="service", area="Reading", setting="Resource room",
            title="Specialised reading instruction, 150 minutes a week",
            rationale="Decoding at a 3rd-grade level in 6th grade; he responds well to structured phonics.",
            minutes_per_week=150)
        services.recommendation_create(
            actor=p["casemanager"], iep=iep, kind="accommodation", area="Reading",
            title="Audio versions of grade-level texts",
            rationale="Lets Leo keep up with content while decoding improves.")
