"""/api/v1/: every path of API.md, in its order."""
from django.urls import path

from apps.accounts import api as accounts
from apps.accounts.api import TokenApi
from apps.audit.api import AccessLogApi
from apps.deadlines import api as deadlines
from apps.discussions import api as discussions
from apps.evaluations import api as evaluations
from apps.ieps import api as ieps
from apps.ieps import notice_api
from apps.ieps import suggestion_api as suggestions
from apps.ieps import consent_api
from apps.notifications import api as notifications
from apps.students import api as students

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("me/", students.MeApi.as_view(), name="me"),
    path("me/tokens/", accounts.MyTokensApi.as_view(), name="me-tokens"),
    path("me/tokens/<int:token_id>/", accounts.MyTokenApi.as_view(), name="me-token"),
    path("me/sign-out-everywhere/", accounts.SignOutEverywhereApi.as_view(), name="me-sign-out-everywhere"),
    path("students/", ieps.StudentListApi.as_view(), name="student-list"),
    path("students/<int:student_id>/", ieps.StudentDetailApi.as_view(), name="student-detail"),
    path("students/<int:student_id>/team/", students.TeamApi.as_view(), name="student-team"),
    path("students/<int:student_id>/team/<int:user_id>/", students.TeamMemberApi.as_view(), name="student-team-member"),
    path("students/<int:student_id>/invitations/", students.InvitationListApi.as_view(), name="student-invitations"),
    path("invitations/<int:invitation_id>/resend/", students.InvitationResendApi.as_view(), name="invitation-resend"),
    path("invitations/<int:invitation_id>/cancel/", students.InvitationCancelApi.as_view(), name="invitation-cancel"),
    path("students/<int:student_id>/access-log/", AccessLogApi.as_view(), name="student-access-log"),
    path("students/<int:student_id>/ieps/", ieps.StudentIEPsApi.as_view(), name="student-ieps"),
    path("ieps/<int:iep_id>/", ieps.IEPDetailApi.as_view(), name="iep-detail"),
    path("ieps/<int:iep_id>/status/", ieps.IEPStatusApi.as_view(), name="iep-status"),
    path("ieps/<int:iep_id>/consent/", consent_api.ConsentApi.as_view(), name="iep-consent"),
    path("ieps/<int:iep_id>/paper-consent/", consent_api.PaperConsentApi.as_view(), name="iep-paper-consent"),
    path("ieps/<int:iep_id>/signatures/", consent_api.SignaturesApi.as_view(), name="iep-signatures"),
    path("ieps/<int:iep_id>/signed.pdf", consent_api.SignedPdfApi.as_view(), name="iep-signed-pdf"),
    path("ieps/<int:iep_id>/amendment/", consent_api.AmendmentApi.as_view(), name="iep-amendment"),
    path("ieps/<int:iep_id>/recommendations/", ieps.RecommendationListApi.as_view(), name="iep-recommendations"),
    path("ieps/<int:iep_id>/events/", ieps.EventsApi.as_view(), name="iep-events"),
    path("recommendations/<int:recommendation_id>/", ieps.RecommendationDetailApi.as_view(), name="recommendation-detail"),
    path("recommendations/<int:recommendation_id>/versions/", ieps.RecommendationVersionsApi.as_view(),
         name="recommendation-versions"),
    path("recommendations/<int:recommendation_id>/positions/", ieps.PositionsApi.as_view(),
         name="recommendation-positions"),
    path("recommendations/<int:recommendation_id>/position/", ieps.PositionApi.as_view(),
         name="recommendation-position"),
    path("recommendations/<int:recommendation_id>/positions/history/", suggestions.PositionHistoryApi.as_view(),
         name="recommendation-position-history"),
    path("recommendations/<int:recommendation_id>/suggestions/", suggestions.SuggestionListApi.as_view(),
         name="recommendation-suggestions"),
    path("suggestions/<int:suggestion_id>/accept/", suggestions.SuggestionAcceptApi.as_view(), name="suggestion-accept"),
    path("suggestions/<int:suggestion_id>/decline/", suggestions.SuggestionDeclineApi.as_view(),
         name="suggestion-decline"),
    path("suggestions/<int:suggestion_id>/withdraw/", suggestions.SuggestionWithdrawApi.as_view(),
         name="suggestion-withdraw"),
    path("recommendations/<int:recommendation_id>/comments/", discussions.CommentListApi.as_view(),
         name="recommendation-comments"),
    path("recommendations/<int:recommendation_id>/resolve/", discussions.ThreadResolveApi.as_view(),
         name="recommendation-resolve"),
    path("recommendations/<int:recommendation_id>/reopen/", discussions.ThreadReopenApi.as_view(),
         name="recommendation-reopen"),
    path("recommendations/<int:recommendation_id>/read/", discussions.ThreadReadApi.as_view(),
         name="recommendation-read"),
    path("comments/<int:comment_id>/", discussions.CommentDetailApi.as_view(), name="comment-detail"),
    path("ieps/<int:iep_id>/unread/", discussions.UnreadApi.as_view(), name="iep-unread"),
    path("deadlines/", deadlines.DeadlineListApi.as_view(), name="deadline-list"),
    path("students/<int:student_id>/deadlines/", deadlines.StudentDeadlinesApi.as_view(), name="student-deadlines"),
    path("deadlines/<int:deadline_id>/", deadlines.DeadlineDetailApi.as_view(), name="deadline-detail"),
    path("deadlines/<int:deadline_id>/met/", deadlines.DeadlineMetApi.as_view(), name="deadline-met"),
    path("deadlines/<int:deadline_id>/cancel/", deadlines.DeadlineCancelApi.as_view(), name="deadline-cancel"),
    path("deadline-settings/", deadlines.DeadlineSettingsApi.as_view(), name="deadline-settings"),
    path("me/calendar/", deadlines.CalendarApi.as_view(), name="calendar"),
    path("me/calendar/reset/", deadlines.CalendarResetApi.as_view(), name="calendar-reset"),
    path("me/notification-preferences/", notifications.NotificationPreferencesApi.as_view(),
         name="notification-preferences"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read/", notifications.NotificationReadApi.as_view(),
         name="notification-read"),
]

# Third-party evaluation.
urlpatterns += [
    path("ieps/<int:iep_id>/evaluation-requests/", evaluations.IEPEvaluationRequestsApi.as_view(),
         name="iep-evaluation-requests"),
    path("evaluation-requests/", evaluations.EvaluationRequestListApi.as_view(), name="evaluation-request-list"),
    path("evaluation-requests/<int:request_id>/", evaluations.EvaluationRequestDetailApi.as_view(),
         name="evaluation-request-detail"),
    path("evaluation-requests/<int:request_id>/decision/", evaluations.EvaluationDecisionApi.as_view(),
         name="evaluation-request-decision"),
    path("evaluation-requests/<int:request_id>/evaluators/", evaluations.EvaluationEligibleEvaluatorsApi.as_view(),
         name="evaluation-request-evaluators"),
    path("evaluation-requests/<int:request_id>/assign/", evaluations.EvaluationAssignApi.as_view(),
         name="evaluation-request-assign"),
    path("evaluation-requests/<int:request_id>/attestation/", evaluations.EvaluationAttestationApi.as_view(),
         name="evaluation-request-attestation"),
    path("evaluation-requests/<int:request_id>/report/", evaluations.EvaluationReportApi.as_view(),
         name="evaluation-request-report"),
    path("evaluation-requests/<int:request_id>/files/", evaluations.EvaluationFilesApi.as_view(),
         name="evaluation-request-files"),
    path("evaluation-requests/<int:request_id>/files/<int:file_id>/", evaluations.EvaluationFileDetailApi.as_view(),
         name="evaluation-request-file"),
    path("evaluation-requests/<int:request_id>/findings/", evaluations.EvaluationFindingsApi.as_view(),
         name="evaluation-request-findings"),
    path("evaluation-requests/<int:request_id>/amendments/", evaluations.EvaluationAmendmentsApi.as_view(),
         name="evaluation-request-amendments"),
    path("evaluation-requests/<int:request_id>/submit/", evaluations.EvaluationSubmitApi.as_view(),
         name="evaluation-request-submit"),
    path("evaluation-requests/<int:request_id>/acknowledge/", evaluations.EvaluationAcknowledgeApi.as_view(),
         name="evaluation-request-acknowledge"),
    path("evaluation-requests/<int:request_id>/withdraw/", evaluations.EvaluationWithdrawApi.as_view(),
         name="evaluation-request-withdraw"),
    path("evaluation-requests/<int:request_id>/close/", evaluations.EvaluationCloseApi.as_view(),
         name="evaluation-request-close"),
    path("evaluation-requests/<int:request_id>/revoke/", evaluations.EvaluationRevokeApi.as_view(),
         name="evaluation-request-revoke"),
    path("evaluation-requests/<int:request_id>/questions/", evaluations.EvaluationQuestionsApi.as_view(),
         name="evaluation-request-questions"),
]

# Prior written notices (34 CFR 300.503).
urlpatterns += [
    path("recommendations/<int:recommendation_id>/notice/", notice_api.NoticeIssueApi.as_view(),
         name="recommendation-notice"),
    path("ieps/<int:iep_id>/notices/", notice_api.IEPNoticesApi.as_view(), name="iep-notices"),
    path("notices/<int:notice_id>/pdf/", notice_api.NoticePdfApi.as_view(), name="notice-pdf"),
]
