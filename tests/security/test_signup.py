"""Web sign-up (``/user/register``) asks a small sum in Vietnamese and
English that the server checks, once per question; a hidden field that
people leave empty catches robots; one address may sign up only so many
times an hour. Every refusal shows the form again with a bilingual
error, and no account is made."""
from __future__ import annotations

import re
from typing import Any, Optional

import pytest

import ckan.model as model
from ckan.tests import factories as ckan_factories

from ckanext.nd47 import signup
from tests import factories

pytestmark = pytest.mark.usefixtures("clean_db", "clean_redis")

PASSWORD = "Mat-khau-du-dai-2025"
NUMBERS = {word: n for n, word in enumerate(signup.NUMBERS_EN)}
ADDRESS = "198.51.100.7"


def _csrf(body: str) -> str:
    found = re.search(r'<meta name="_csrf_token" content="([^"]+)"', body)
    assert found, "no CSRF token on the page"
    return found[1]


def _question(body: str) -> tuple[str, int]:
    """The form's signed question and its answer, worked out from the
    English words of the label as a person would."""
    token = re.search(r'name="nd47_challenge" value="([^"]+)"', body)
    asked = re.search(r"(\w+) (plus|minus) (\w+) equals", body)
    assert token and asked, "the form asks no question"
    first, second = NUMBERS[asked[1].lower()], NUMBERS[asked[3]]
    return token[1], first + second if asked[2] == "plus" else first - second


class Visitor:
    """One browser: its own cookies, at its own address."""

    def __init__(self, app: Any, address: str = ADDRESS) -> None:
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.page = ""

    def open(self) -> str:
        response = self.client.get("/user/register",
                                   environ_overrides=self.environ)
        assert response.status_code == 200
        self.page = response.body
        return self.page

    def submit(self, name: str, answer: Optional[str] = None,
               token: Optional[str] = None, **extra: str) -> Any:
        """Fill in the form last opened (the right answer unless told)."""
        asked, right = _question(self.page)
        data = {"name": name, "fullname": "Nguyễn Thị Hoa",
                "email": f"{name}@example.vn", "password1": PASSWORD,
                "password2": PASSWORD, "_csrf_token": _csrf(self.page),
                "nd47_challenge": asked if token is None else token,
                "nd47_answer": str(right) if answer is None else answer,
                "nd47_website": "", "save": "", **extra}
        response = self.client.post("/user/register", data=data,
                                    environ_overrides=self.environ,
                                    follow_redirects=False)
        self.page = response.body
        return response


def sign_up(app: Any, name: str, address: str = ADDRESS, **form: str
            ) -> Any:
    visitor = Visitor(app, address)
    visitor.open()
    return visitor.submit(name, **form)


def exists(name: str) -> bool:
    model.Session.rollback()
    return model.User.get(name) is not None


def refused_with(response: Any, status: int, text: str) -> None:
    assert response.status_code == status
    assert 'id="user-register-form"' in response.body
    assert text in response.body
    # a new question comes with the form again
    _question(response.body)


def test_the_form_asks_a_labelled_question_in_vietnamese(app: Any) -> None:
    body = Visitor(app).open()
    label = re.search(r'<label class="form-label" for="field-nd47-answer">'
                      r'(.*?)</label>', body, re.S)
    assert label is not None
    # "Hai cộng bốn bằng / Two plus four equals", the asterisk before it
    first = "|".join(word.capitalize() for word in signup.NUMBERS_VI[1:])
    second = "|".join(signup.NUMBERS_VI[1:])
    assert re.fullmatch(
        rf"<span [^>]+>\*</span> ({first}) (cộng|trừ) ({second}) bằng / "
        r"[A-Z][a-z]+ (plus|minus) [a-z]+ equals", label[1].strip()), label[1]
    assert 'id="field-nd47-answer"' in body
    assert 'aria-describedby="field-nd47-answer-help"' in body
    assert ("Câu hỏi kiểm tra chống đăng ký tự động; trả lời bằng chữ số, "
            "ví dụ 7 / A check question against automated sign-ups; answer "
            "in digits, for example 7") in body
    # the field for robots is hidden from people and from screen readers
    assert re.search(r'<div class="nd47-signup-trap" hidden '
                     r'aria-hidden="true">', body)


def test_the_right_answer_creates_the_account(app: Any) -> None:
    response = sign_up(app, "nguoi-moi")
    assert response.status_code == 302
    assert exists("nguoi-moi")


def test_an_answer_in_words_is_right_too(app: Any) -> None:
    visitor = Visitor(app)
    visitor.open()
    _, right = _question(visitor.page)
    assert visitor.submit("bang-chu",
                          answer=signup.NUMBERS_VI[right].upper()
                          ).status_code == 302
    assert exists("bang-chu")


@pytest.mark.parametrize("answer, text", [
    ("", "Xin trả lời câu hỏi kiểm tra / Please answer the check question"),
    ("11", "Câu trả lời chưa đúng; xin trả lời câu hỏi mới / The answer is "
           "wrong; please answer the new question"),
    ("mười một", "Câu trả lời chưa đúng"),
], ids=["missing", "wrong", "wrong-in-words"])
def test_a_wrong_or_missing_answer_creates_nothing(app: Any, answer: str,
                                                   text: str) -> None:
    visitor = Visitor(app)
    visitor.open()
    response = visitor.submit("doan-sai", answer=answer)
    refused_with(response, 400, text)
    assert not exists("doan-sai")
    # the form keeps what was typed, except the passwords
    assert 'value="doan-sai@example.vn"' in response.body
    assert PASSWORD not in response.body
    # and the new question can be answered
    assert visitor.submit("doan-sai").status_code == 302
    assert exists("doan-sai")


def test_a_question_answers_once(app: Any) -> None:
    first = Visitor(app)
    first.open()
    token, right = _question(first.page)
    assert first.submit("lan-dau").status_code == 302

    # the same question and answer again, from another browser
    again = Visitor(app)
    again.open()
    response = again.submit("lan-hai", token=token, answer=str(right))
    refused_with(response, 400,
                 "Câu hỏi kiểm tra này đã được trả lời; xin trả lời câu hỏi "
                 "mới / This check question was already answered")
    assert not exists("lan-hai")


def test_a_wrong_answer_uses_the_question_up(app: Any) -> None:
    visitor = Visitor(app)
    visitor.open()
    token, right = _question(visitor.page)
    visitor.submit("thu-lai", answer=str(right % 10 + 1))
    response = visitor.submit("thu-lai", token=token, answer=str(right))
    refused_with(response, 400, "đã được trả lời")
    assert not exists("thu-lai")


@pytest.mark.parametrize("token", [
    "", "khong-phai-ma", "A" * 16 + ".9999999999." + "0" * 64,
    "A" * 16 + ".9999999999." + "g" * 64, "Đ" * 200,
], ids=["empty", "garbage", "unsigned", "not-hex", "unicode"])
def test_a_forged_question_creates_nothing(app: Any, token: str) -> None:
    response = sign_up(app, "gia-mao", token=token, answer="3")
    refused_with(response, 400,
                 "Câu hỏi kiểm tra đã hết hạn hoặc không hợp lệ; xin trả lời "
                 "câu hỏi mới / The check question has expired or is not "
                 "valid")
    assert not exists("gia-mao")


def test_a_nul_in_the_form_creates_nothing(app: Any) -> None:
    # refused before the question is looked at, by the portal's guard
    # against NUL in any parameter
    response = sign_up(app, "co-nul", token="\x00" * 100, answer="3")
    assert response.status_code == 400
    assert "NUL" in response.body
    assert not exists("co-nul")


def test_a_question_expires(app: Any) -> None:
    asked = signup.new_challenge(now=1_000_000_000)
    right = {"plus": int.__add__, "minus": int.__sub__}
    words = re.fullmatch(r"(\w+) (plus|minus) (\w+) equals", asked["en"])
    assert words is not None
    answer = right[words[2]](NUMBERS[words[1].lower()], NUMBERS[words[3]])
    late = 1_000_000_000 + signup.LIFETIME + 1
    assert signup.check_answer(asked["token"], str(answer), now=late) == (
        "Câu hỏi kiểm tra đã hết hạn hoặc không hợp lệ; xin trả lời câu hỏi "
        "mới / The check question has expired or is not valid; please "
        "answer the new one")
    # in time, the same answer is right
    fresh = signup.new_challenge()
    words = re.fullmatch(r"(\w+) (plus|minus) (\w+) equals", fresh["en"])
    assert words is not None
    assert signup.check_answer(fresh["token"], str(right[words[2]](
        NUMBERS[words[1].lower()], NUMBERS[words[3]]))) is None


def test_the_hidden_field_filled_creates_nothing(app: Any) -> None:
    response = sign_up(app, "ro-bot", nd47_website="http://spam.example")
    refused_with(response, 400,
                 "Ô “Để trống ô này” phải để trống / The “Leave this field "
                 "empty” field must be empty")
    assert not exists("ro-bot")


@pytest.mark.ckan_config("ckanext.nd47.signup.per_ip_hour", "2")
def test_one_address_signs_up_only_so_often(app: Any) -> None:
    assert sign_up(app, "mot").status_code == 302
    assert sign_up(app, "hai").status_code == 302
    # a wrong answer does not count
    assert sign_up(app, "sai", answer="0").status_code == 400
    response = sign_up(app, "ba")
    refused_with(response, 429,
                 "Từ địa chỉ mạng của bạn đã có quá 2 lượt đăng ký tài khoản "
                 "trong 60 phút; xin thử lại sau 60 phút / More than 2 "
                 "sign-ups have come from your network address in 60 "
                 "minutes; please try again in 60 minutes")
    assert 3500 < int(response.headers["Retry-After"]) <= 3601
    assert not exists("ba")
    # another address may
    assert sign_up(app, "ba", address="203.0.113.9").status_code == 302
    assert [exists(name) for name in ("mot", "hai", "ba", "sai")] == [
        True, True, True, False]


@pytest.mark.ckan_config("ckanext.nd47.signup.per_ip_hour", "1")
def test_a_forwarded_address_is_not_believed_by_default(app: Any) -> None:
    assert sign_up(app, "mot").status_code == 302
    visitor = Visitor(app)
    visitor.open()
    response = visitor.client.post(
        "/user/register", environ_overrides=visitor.environ,
        headers={"X-Forwarded-For": "192.0.2.55"}, data={
            "name": "hai", "email": "hai@example.vn", "password1": PASSWORD,
            "password2": PASSWORD, "_csrf_token": _csrf(visitor.page),
            "nd47_challenge": _question(visitor.page)[0],
            "nd47_answer": str(_question(visitor.page)[1])})
    assert response.status_code == 429
    assert not exists("hai")


@pytest.mark.ckan_config("ckanext.nd47.signup.challenge", "false")
def test_the_check_can_be_switched_off(app: Any) -> None:
    visitor = Visitor(app)
    body = visitor.open()
    assert "nd47_challenge" not in body and "nd47_website" not in body
    response = visitor.client.post("/user/register", data={
        "name": "khong-hoi", "email": "khong-hoi@example.vn",
        "password1": PASSWORD, "password2": PASSWORD,
        "_csrf_token": _csrf(body)}, environ_overrides=visitor.environ,
        follow_redirects=False)
    assert response.status_code == 302
    assert exists("khong-hoi")


def test_a_sysadmin_creating_accounts_is_not_asked(app: Any) -> None:
    admin = ckan_factories.Sysadmin()
    headers = {"Authorization": factories.api_token(admin)}
    body = app.get("/user/register", headers=headers).body
    assert 'id="user-register-form"' in body
    assert "nd47_challenge" not in body
    for n in range(3):
        response = app.post("/user/register", headers=headers, data={
            "name": f"do-quan-tri-tao-{n}",
            "email": f"tao-{n}@example.vn", "password1": PASSWORD,
            "password2": PASSWORD}, follow_redirects=False)
        assert response.status_code == 302
    assert all(exists(f"do-quan-tri-tao-{n}") for n in range(3))
