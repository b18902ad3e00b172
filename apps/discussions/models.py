from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.ieps.models import IEP, Recommendation


class Thread(models.Model):
    """The discussion of one recommendation, or a thread of its own (an evaluator's questions)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="threads")
    recommendation = models.OneToOneField(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    # A thread of its own (no `recommendation`) may still concern one: an evaluator's questions
    # concern the disputed recommendations. Whoever may not see that recommendation (another
    # evaluator) may not see the thread.
    about_recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title or f"Thread on recommendation {self.recommendation_id}"


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The author's role on this team when they wrote it: a comment keeps its context.
    author_role = models.CharField(max_length=20)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"])]

    @property
    def deleted(self):
        return self.deleted_at is not None


class CommentRevision(models.Model):
    """The text a comment had before an edit or a delete. Nothing a member wrote is lost."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Mention(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]


class ReadMarker(models.Model):
    """How far a member has read a thread: comments with a larger id are unread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_comment_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="read_marker_unique")]
