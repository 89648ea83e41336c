"""Schemas of the nd47 actions' parameters."""
from __future__ import annotations

from typing import Iterable, NoReturn, Optional

import ckan.plugins.toolkit as tk
from ckan.types import (Context, FlattenDataDict, FlattenErrorDict,
                        FlattenKey, Schema, Validator)

from ckanext.nd47.feedback import workflow
from ckanext.nd47.logic.validators import message, parse_date
from ckanext.nd47.model.data_request import (KINDS, RATING_REASONS,
                                             REQUESTER_TYPES)

missing = tk.missing


@tk.validator_args
def compliance_show(nd47_required: Validator,
                    unicode_safe: Validator) -> Schema:
    return {"id": [nd47_required, unicode_safe]}


@tk.validator_args
def compliance_summary(ignore_missing: Validator,
                       unicode_safe: Validator) -> Schema:
    return {"organization": [ignore_missing, unicode_safe]}


# --- data requests, ratings --------------------------------------------------------

def _text(max_length: int, required: bool = True) -> Validator:
    """Plain text, stripped, at most ``max_length`` characters; NUL
    characters are refused. Markup is kept as typed: pages escape it."""
    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key, missing)
        if value is missing or value is None or value == "":
            if required:
                _stop(key, errors, message("Trường này là bắt buộc",
                                           "This field is required"))
            data[key] = ""
            return
        if not isinstance(value, str):
            _stop(key, errors, message("Giá trị phải là văn bản",
                                       "The value must be text"))
        if "\x00" in value:
            _stop(key, errors, message(
                "Văn bản chứa ký tự NUL không hợp lệ",
                "The text contains an invalid NUL character"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, JSON's "\ud800"
            _stop(key, errors, message(
                "Văn bản chứa ký tự Unicode không hợp lệ",
                "The text contains an invalid Unicode character"))
        text = value.strip()
        if required and not text:
            _stop(key, errors, message("Trường này là bắt buộc",
                                       "This field is required"))
        if len(text) > max_length:
            _stop(key, errors, message(
                f"Văn bản dài quá {max_length} ký tự",
                f"The text is longer than {max_length} characters"))
        data[key] = text
    return validator


def _one_of(values: Iterable[str], default: Optional[str] = None
            ) -> Validator:
    allowed = tuple(values)

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key, missing)
        if value in (missing, None, "") and default is not None:
            data[key] = default
            return
        if value not in allowed:
            _stop(key, errors, message(
                "Giá trị không hợp lệ; chọn một trong: " + ", ".join(allowed),
                "Invalid value; choose one of: " + ", ".join(allowed)))
    return validator


def _integer(low: int, high: int, default: Optional[int] = None
             ) -> Validator:
    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key, missing)
        if value in (missing, None, ""):
            if default is None:
                # int(missing) would raise CKAN's English-only "Missing value"
                _stop(key, errors, message("Trường này là bắt buộc",
                                           "This field is required"))
            data[key] = default
            return
        try:
            number = int(value)
            if isinstance(value, bool) or str(number) != str(value).strip():
                raise ValueError
        # OverflowError: JSON's 1e309 is an infinite float
        except (TypeError, ValueError, OverflowError):
            _stop(key, errors, message("Phải là một số nguyên",
                                       "Must be a whole number"))
        if not low <= number <= high:
            _stop(key, errors, message(
                f"Phải từ {low} đến {high}", f"Must be {low} to {high}"))
        data[key] = number
    return validator


def _boolean(key: FlattenKey, data: FlattenDataDict,
             errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key, missing)
    if value in (missing, None, ""):
        data[key] = False
    elif value in (True, "true", "True", "1", 1, "on"):
        data[key] = True
    elif value in (False, "false", "False", "0", 0):
        data[key] = False
    else:
        _stop(key, errors, message("Phải là true hoặc false",
                                   "Must be true or false"))


def _date(key: FlattenKey, data: FlattenDataDict,
          errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key, missing)
    if value in (missing, None, ""):
        data[key] = None
        return
    day = parse_date(value) if isinstance(value, str) else None
    if day is None:
        _stop(key, errors, message("Ngày không hợp lệ (YYYY-MM-DD)",
                                   "Invalid date (YYYY-MM-DD)"))
    data[key] = day


def _stop(key: FlattenKey, errors: FlattenErrorDict, text: str) -> NoReturn:
    errors.setdefault(key, []).append(text)
    raise tk.StopOnError


_ID = _text(100)
_STATUS_FILTERS = (*workflow.STATUS_LABELS, "open", "all")


def request_create() -> Schema:
    return {
        "title": [_text(200)],
        "description": [_text(5000)],
        "purpose": [_text(2000, required=False)],
        "requester_type": [_one_of(REQUESTER_TYPES, default="citizen")],
        "sector": [_text(20, required=False)],
        "organization": [_text(100, required=False)],
    }


def request_id() -> Schema:
    return {"id": [_ID]}


def request_vote() -> Schema:
    return {"id": [_ID],
            "supporter_type": [_one_of(REQUESTER_TYPES, default="citizen")]}


def request_list() -> Schema:
    return {
        "q": [_text(200, required=False)],
        "status": [_one_of(_STATUS_FILTERS, default="all")],
        "organization": [_text(100, required=False)],
        "sector": [_text(20, required=False)],
        "requester_type": [_text(20, required=False),
                           _one_of((*REQUESTER_TYPES, ""), default="")],
        "kind": [_one_of((*KINDS, ""), default="")],
        "overdue": [_boolean],
        "mine": [_boolean],
        "sort": [_one_of(("priority", "newest", "oldest", "supporters"),
                         default="priority")],
        "limit": [_integer(1, 1000, default=20)],
        "offset": [_integer(0, 10_000_000, default=0)],
    }


def request_queue() -> Schema:
    return {
        "organization": [_text(100, required=False)],
        "limit": [_integer(1, 1000, default=20)],
        "offset": [_integer(0, 10_000_000, default=0)],
    }


def request_comment_create() -> Schema:
    return {"id": [_ID], "text": [_text(2000)]}


def request_comment_moderate() -> Schema:
    return {"id": [_ID], "reason": [_text(1000, required=False)]}


def request_transition() -> Schema:
    return {
        "id": [_ID],
        "status": [_one_of(tuple(workflow.STATUS_LABELS))],
        "reason": [_text(2000)],
        "target_date": [_date],
        "dataset": [_text(100, required=False)],
        "decline_ground": [_one_of((*workflow.DECLINE_GROUNDS, ""),
                                   default="")],
    }


def request_reassign() -> Schema:
    return {"id": [_ID], "organization": [_text(100)],
            "reason": [_text(2000)]}


def request_metrics() -> Schema:
    return {"organization": [_text(100, required=False)]}


def rating_create() -> Schema:
    return {
        "dataset": [_text(100)],
        "stars": [_integer(1, 5)],
        "reason": [_one_of(RATING_REASONS)],
        "comment": [_text(2000, required=False)],
        "requester_type": [_one_of(REQUESTER_TYPES, default="citizen")],
    }


def rating_dataset() -> Schema:
    return {"dataset": [_text(100)]}


def dataset_report() -> Schema:
    return {"dataset": [_text(100)], "text": [_text(2000)],
            "requester_type": [_one_of(REQUESTER_TYPES, default="citizen")]}
