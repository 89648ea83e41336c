"""A check on web sign-up (``/user/register``) that needs no outside
service: a small sum in Vietnamese words (English beside it), a hidden
field people leave empty, and a limit on sign-ups per client address.

The question travels with the form, signed with CKAN's ``SECRET_KEY``
(HMAC-SHA256): a nonce, its expiry and the sum. The server checks the
answer against the signed sum, and records the nonce in Redis the first
time it is answered, right or wrong, so that one question serves one
attempt. A refusal shows the form again (HTTP 400, or 429 over the
address's limit) with a new question and the typed values except the
passwords; nothing is created.

The API's ``user_create`` is not affected: anonymous use of it is governed
by CKAN's ``ckan.auth.create_user_via_api``. Sysadmins creating accounts
on the page are not asked and not counted.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from typing import Any, Optional

from flask import Blueprint, current_app

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis  # the toolkit has no Redis

from ckanext.nd47 import config
from ckanext.nd47.feedback import ratelimit
from ckanext.nd47.logic import roles
from ckanext.nd47.logic.validators import message

__all__ = ["nd47_signup", "nd47_signup_challenge"]

nd47_signup = Blueprint("nd47_signup", __name__)

TOKEN_FIELD = "nd47_challenge"
ANSWER_FIELD = "nd47_answer"
HONEYPOT_FIELD = "nd47_website"
LIFETIME = 30 * 60  # seconds a question may be answered in
WINDOW = 3600  # the per-address sign-up limit counts the last hour

NUMBERS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy",
              "tám", "chín", "mười")
NUMBERS_EN = ("zero", "one", "two", "three", "four", "five", "six",
              "seven", "eight", "nine", "ten")

_TOKEN = re.compile(r"([A-Za-z0-9_-]{16})\.([0-9]{10,12})\.([0-9a-f]{64})")
LABEL = ("Câu hỏi kiểm tra", "Check question")
HELP = message("Câu hỏi kiểm tra chống đăng ký tự động; trả lời bằng "
               "chữ số, ví dụ 7",
               "A check question against automated sign-ups; answer in "
               "digits, for example 7")
HONEYPOT_LABEL = message("Để trống ô này", "Leave this field empty")


def _sign(payload: str) -> str:
    secret = str(tk.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, f"nd47-signup:{payload}".encode(),
                    hashlib.sha256).hexdigest()


def _question(first: int, operator: str, second: int) -> dict[str, str]:
    """The sum in words, to be finished by the answer (CKAN's theme puts
    a colon after every label)."""
    vi_op, en_op = ("cộng", "plus") if operator == "+" else ("trừ", "minus")
    vi = f"{NUMBERS_VI[first]} {vi_op} {NUMBERS_VI[second]} bằng"
    en = f"{NUMBERS_EN[first]} {en_op} {NUMBERS_EN[second]} equals"
    return {"vi": vi[0].upper() + vi[1:], "en": en[0].upper() + en[1:]}


def _sum_of(nonce: str) -> tuple[int, str, int]:
    """The sum a nonce stands for, drawn from its HMAC: the form carries
    no more of it than the words people read."""
    draw = hmac.new(str(tk.config.get("SECRET_KEY") or "").encode(),
                    f"nd47-signup-sum:{nonce}".encode(),
                    hashlib.sha256).digest()
    if draw[0] % 2:
        first = draw[1] % 9 + 1
        return first, "+", draw[2] % (10 - first) + 1
    first = draw[1] % 9 + 2
    return first, "-", draw[2] % (first - 1) + 1


def new_challenge(now: Optional[float] = None) -> dict[str, str]:
    """A fresh question: ``token`` (the signed state for the form),
    ``vi`` and ``en`` (the sum, "Hai cộng bốn bằng"), ``label`` (both,
    for the input's label), ``help`` (how to answer) and ``trap_label`` (the hidden
    field's). Answers are 1 to 10."""
    now = time.time() if now is None else now
    nonce = secrets.token_urlsafe(12)
    payload = f"{nonce}.{int(now) + LIFETIME}"
    question = _question(*_sum_of(nonce))
    return {"token": f"{payload}.{_sign(payload)}", **question,
            "label": message(question["vi"], question["en"]),
            "help": HELP, "trap_label": HONEYPOT_LABEL}


def _signer_is_sysadmin() -> bool:
    return roles.is_sysadmin(getattr(tk.current_user, "name", None))


def nd47_signup_challenge() -> Optional[dict[str, str]]:
    """The sign-up question for the register form (see ``new_challenge``),
    or None when the check is switched off or a sysadmin fills the form."""
    if not config.signup_challenge() or _signer_is_sysadmin():
        return None
    return new_challenge()


def _answer(first: int, operator: str, second: int) -> int:
    return first + second if operator == "+" else first - second


def _accepted(given: str, expected: int) -> bool:
    text = " ".join(unicodedata.normalize("NFC", given).lower().split())
    return text in (str(expected), NUMBERS_VI[expected],
                    NUMBERS_EN[expected])


def check_answer(token: str, given: str,
                 now: Optional[float] = None) -> Optional[str]:
    """Check one answer to the question of ``token`` and use the question
    up. Returns None when right, else the bilingual reason."""
    now = time.time() if now is None else now
    shape = _TOKEN.fullmatch(token)
    nonce, expires, signature = shape.groups() if shape else ("", "0", "")
    if not shape or int(expires) < now or not hmac.compare_digest(
            signature, _sign(f"{nonce}.{expires}")):
        return message(
            "Câu hỏi kiểm tra đã hết hạn hoặc không hợp lệ; xin trả lời "
            "câu hỏi mới", "The check question has expired or is not "
            "valid; please answer the new one")
    fresh = connect_to_redis().set(
        f"nd47:signup:used:{nonce}", "1", nx=True,
        ex=max(int(expires) - int(now), 1) + 60)
    if not fresh:
        return message(
            "Câu hỏi kiểm tra này đã được trả lời; xin trả lời câu hỏi mới",
            "This check question was already answered; please answer the "
            "new one")
    if not given.strip():
        return message("Xin trả lời câu hỏi kiểm tra",
                       "Please answer the check question")
    if not _accepted(given, _answer(*_sum_of(nonce))):
        return message(
            "Câu trả lời chưa đúng; xin trả lời câu hỏi mới",
            "The answer is wrong; please answer the new question")
    return None


def _form_again(text: str, status: int, field: str = "") -> Any:
    """The register page again with the typed values (not the passwords,
    not the check's own fields), a new question and the error (beside
    ``field`` too when given)."""
    skip = {"password1", "password2", TOKEN_FIELD, ANSWER_FIELD,
            HONEYPOT_FIELD, str(current_app.config.get(
                "WTF_CSRF_FIELD_NAME", "csrf_token"))}
    data = {key: value for key, value in tk.request.form.items()
            if key not in skip}
    label = message(*LABEL) if field == ANSWER_FIELD else \
        message("Đăng ký", "Sign-up")
    form = tk.render("user/new_user_form.html", {
        "data": data, "errors": {field: [text]} if field else {},
        "error_summary": {label: text}})
    return tk.render("user/new.html", {"is_sysadmin": False,
                                       "form": form}), status


@nd47_signup.before_app_request
def check_signup() -> Any:
    """Before CKAN's register view takes a submitted form: the hidden
    field, the question, then the address's sign-up limit."""
    request = tk.request
    if request.endpoint != "user.register" or request.method != "POST" \
            or _signer_is_sysadmin():
        return None
    if config.signup_challenge():
        if request.form.get(HONEYPOT_FIELD):
            return _form_again(message(
                "Ô “Để trống ô này” phải để trống",
                "The “Leave this field empty” field must be empty"), 400)
        problem = check_answer(request.form.get(TOKEN_FIELD, ""),
                               request.form.get(ANSWER_FIELD, ""))
        if problem:
            return _form_again(problem, 400, ANSWER_FIELD)
    address = ratelimit.client_address()
    limit = config.signup_per_ip_hour()
    if address:
        refused = ratelimit.admit(
            [(f"nd47:rate:signups:ip:{address}", limit)], WINDOW)
        if refused is not None:
            page, status = _form_again(ratelimit.refusal(
                "signups", limit, WINDOW, refused[1], "ip"), 429)
            return page, status, {"Retry-After": str(int(refused[1]) + 1)}
    return None
