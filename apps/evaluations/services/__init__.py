"""Every write on an evaluation request. Each transition is one function: it checks permission
and state, saves, records the team's event and tells the right people, in one transaction.

requested → approved | denied; approved → evaluator_assigned → attested → in_progress → submitted
→ considered → closed. The requester may withdraw before submission; a district administrator
may revoke the engagement at any time before it closes.

- requests.py: asking, deciding, acknowledging, withdrawing, closing, revoking;
- engagement.py: who may be the evaluator, assignment, attestation, the evaluator's access;
- findings.py: report files and findings, submit and amendments;
- common.py: what they share."""
from .common import TEXT_MAX
from .engagement import (
    eligible_evaluators,
    evaluation_request_assign,
    evaluation_request_attest,
    independence_problem,
)
from .findings import (
    evaluation_file_delete,
    evaluation_file_upload,
    evaluation_findings_amend,
    evaluation_findings_save,
    evaluation_request_submit,
)
from .requests import (
    evaluation_request_acknowledge,
    evaluation_request_close,
    evaluation_request_create,
    evaluation_request_decide,
    evaluation_request_revoke,
    evaluation_request_withdraw,
    unconsidered_evaluation_reason,
)

__all__ = [
    "TEXT_MAX",
    "eligible_evaluators",
    "evaluation_file_delete",
    "evaluation_file_upload",
    "evaluation_findings_amend",
    "evaluation_findings_save",
    "evaluation_request_acknowledge",
    "evaluation_request_assign",
    "evaluation_request_attest",
    "evaluation_request_close",
    "evaluation_request_create",
    "evaluation_request_decide",
    "evaluation_request_revoke",
    "evaluation_request_submit",
    "evaluation_request_withdraw",
    "independence_problem",
    "unconsidered_evaluation_reason",
]
