"""The steward workflow of a data request: its states, which moves are
allowed, what each move needs, and the legal grounds for declining.

Labels are ``{vi, en}`` texts so that API answers, pages and mails can use
them in either language without a translation catalogue.
"""
from __future__ import annotations

from typing import Optional

NEW = "new"
UNDER_REVIEW = "under_review"
PLANNED = "planned"
PUBLISHED = "published"
DECLINED = "declined"

#: statuses whose requests are still waiting in the queue
OPEN = (NEW, UNDER_REVIEW, PLANNED)
#: reaching one of these for the first time is the agency's answer
ANSWERS = (PLANNED, PUBLISHED, DECLINED)

STATUS_LABELS = {
    NEW: {"vi": "Mới", "en": "New"},
    UNDER_REVIEW: {"vi": "Đang xem xét", "en": "Under review"},
    PLANNED: {"vi": "Đã lên kế hoạch", "en": "Planned"},
    PUBLISHED: {"vi": "Đã công bố", "en": "Published"},
    DECLINED: {"vi": "Từ chối", "en": "Declined"},
}

#: from status -> the statuses a steward may move it to. Moving a
#: published or declined request back to review is "reopen"; a planned one
#: may be planned again with a new target date.
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({UNDER_REVIEW, PLANNED, PUBLISHED, DECLINED}),
    UNDER_REVIEW: frozenset({PLANNED, PUBLISHED, DECLINED}),
    PLANNED: frozenset({PLANNED, PUBLISHED, DECLINED}),
    PUBLISHED: frozenset({UNDER_REVIEW}),
    DECLINED: frozenset({UNDER_REVIEW}),
}

REQUESTER_TYPE_LABELS = {
    "citizen": {"vi": "Người dân", "en": "Citizen"},
    "business": {"vi": "Doanh nghiệp", "en": "Business"},
    "researcher": {"vi": "Nhà nghiên cứu", "en": "Researcher"},
    "agency": {"vi": "Cơ quan nhà nước", "en": "State agency"},
}

KIND_LABELS = {
    "new_data": {"vi": "Dữ liệu mới", "en": "New data"},
    "improvement": {"vi": "Cải thiện bộ dữ liệu", "en": "Improve a dataset"},
}

RATING_REASON_LABELS = {
    "quality": {"vi": "Chất lượng", "en": "Quality"},
    "timeliness": {"vi": "Tính kịp thời", "en": "Timeliness"},
    "format": {"vi": "Định dạng", "en": "Format"},
    "completeness": {"vi": "Tính đầy đủ", "en": "Completeness"},
    "other": {"vi": "Khác", "en": "Other"},
}

#: the legal grounds a steward cites when declining, with the citation
DECLINE_GROUNDS = {
    "personal_information": {
        "vi": "Chứa thông tin cá nhân (khoản 1 Điều 20 Nghị định "
              "47/2020/NĐ-CP)",
        "en": "Contains personal information (Decree 47/2020 Art. 20(1))",
    },
    "security_risk": {
        "vi": "Rủi ro an toàn, an ninh khi sử dụng dữ liệu (khoản 2 Điều 20 "
              "Nghị định 47/2020/NĐ-CP)",
        "en": "Safety and security risk of using the data "
              "(Decree 47/2020 Art. 20(2))",
    },
    "state_secret": {
        "vi": "Bí mật nhà nước (Luật Bảo vệ bí mật nhà nước 2018; khoản 4 "
              "Điều 20 Nghị định 47/2020/NĐ-CP)",
        "en": "State secret (Law on Protection of State Secrets 2018; "
              "Decree 47/2020 Art. 20(4))",
    },
    "other_law": {
        "vi": "Pháp luật chuyên ngành không cho phép công khai (khoản 4 "
              "Điều 20 Nghị định 47/2020/NĐ-CP)",
        "en": "Another law forbids publishing it "
              "(Decree 47/2020 Art. 20(4))",
    },
    "not_held": {
        "vi": "Cơ quan không quản lý dữ liệu này",
        "en": "The agency does not hold this data",
    },
    "duplicate": {
        "vi": "Trùng với yêu cầu hoặc dữ liệu đã có",
        "en": "Duplicates an existing request or dataset",
    },
}


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def event_name(current: str, target: str) -> str:
    """What the audit trail calls a move."""
    if target == UNDER_REVIEW and current in (PUBLISHED, DECLINED):
        return "reopened"
    return "status"


def is_answer(target: str) -> bool:
    return target in ANSWERS


def decline_ground(code: Optional[str]) -> Optional[dict[str, str]]:
    return DECLINE_GROUNDS.get(code or "")
