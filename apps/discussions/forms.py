"""The discussion's forms, for pages: the same limits as the services, said kindly, next to the field."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


from . import formatting, services


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Add a comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": services.BODY_MAX}),
        # What a parent writing at night needs to know; the rest of the formatting stays a bonus.
        help_text=gettext_lazy("Write as in an e-mail: a web address becomes a link, and Enter starts a new line."),
        error_messages={"required": gettext_lazy("Write your comment first.")},
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    mentions = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Notify"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose people on this child's team.")},
    )

    def __init__(self, *args, team_choices=(), label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentions"].choices = team_choices
        if label:
            self.fields["body"].label = label

    def clean_body(self):
        # Counted as the service counts (line breaks as one character), with a friendlier message.
        body = formatting.clean_text(self.cleaned_data["body"])
        if not body:
            raise ValidationError(_("Write your comment first."))
        if len(body) > services.BODY_MAX:
            raise ValidationError(_("A comment can be at most %(max)s characters; this one has %(n)s.") % {
                "max": number_format(services.BODY_MAX, force_grouping=True),
                "n": number_format(len(body), force_grouping=True),
            })
        return body


class EditForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label=_("Edit your comment"), **kwargs)
        del self.fields["parent"], self.fields["mentions"]
