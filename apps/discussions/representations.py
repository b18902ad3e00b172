"""A comment as clients see it, in API answers and in live events alike."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.ieps.representations import api_time

from . import formatting
from .models import Comment


class CommentAuthorOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()


class CommentOut(serializers.ModelSerializer):
    recommendation = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    deleted = serializers.BooleanField()

    class Meta:
        model = Comment
        fields = ["id", "recommendation", "thread", "parent", "author", "body", "body_html", "created_at",
                  "edited_at", "deleted"]

    def get_recommendation(self, comment) -> int | None:
        return comment.thread.recommendation_id

    @extend_schema_field(CommentAuthorOut)
    def get_author(self, comment):
        return {"id": comment.author_id, "full_name": comment.author.full_name, "role": comment.author_role}

    def get_body(self, comment) -> str:
        return "" if comment.deleted else comment.body

    def get_body_html(self, comment) -> str:
        return "" if comment.deleted else formatting.render(comment.body)


def comment_row(comment, recommendation_id=None) -> dict:
    """CommentOut as a plain dict, for the comment list (its hot output; tests hold the two equal).
    The list knows its thread's recommendation and says so, rather than loading the thread again."""
    deleted = comment.deleted
    if recommendation_id is None:
        recommendation_id = comment.thread.recommendation_id
    return {
        "id": comment.id, "recommendation": recommendation_id, "thread": comment.thread_id,
        "parent": comment.parent_id,
        "author": {"id": comment.author_id, "full_name": comment.author.full_name, "role": comment.author_role},
        "body": "" if deleted else comment.body, "body_html": "" if deleted else formatting.render(comment.body),
        "created_at": api_time(comment.created_at), "edited_at": api_time(comment.edited_at), "deleted": deleted,
    }


def comment_data(comment) -> dict:
    return dict(CommentOut(comment).data)
