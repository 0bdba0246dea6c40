"""统一社会信用代码: normalisation, check character and the problem reported for each bad input."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal import creditcode
from portal.forms import CreditCodeField
from tests.factories import make_credit_code

VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert creditcode.problems(code) == []
    assert creditcode.is_valid(code)
    assert creditcode.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("division,kind", [("320500", "91"), ("110108", "12"), ("370000", "52"), ("440305", "91")])
def test_factory_codes_are_valid(division, kind):
    code = make_credit_code(division, kind)
    assert len(code) == 18
    assert creditcode.problems(code) == []
    assert creditcode.division_code(code) == division


def test_factory_codes_differ():
    codes = {make_credit_code() for _ in range(20)}
    assert len(codes) == 20
    assert all(creditcode.is_valid(code) for code in codes)


@pytest.mark.parametrize("raw", [
    "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width
    "91350100m000100y43",  # lower case
    " 9135 0100 M000 100Y 43 ",  # spaces
    "913501-00M000-100Y43",  # hyphens
    "9135\u30000100M000100Y43",  # ideographic space
    "９１３５０１００ｍ０００１００ｙ４３",  # full-width lower case
    "91350100—M000100Y43",  # em dash
])
def test_input_variants_normalise_and_validate(raw):
    assert creditcode.normalise(raw) == "91350100M000100Y43"
    assert creditcode.is_valid(raw)


def test_normalise_empty_and_none():
    assert creditcode.normalise("") == ""
    assert creditcode.normalise(None) == ""


def test_division_code_hint():
    assert creditcode.division_code("91350100M000100Y43") == "350100"
    assert creditcode.division_code("９１１１００００６０００３７３４１ｌ") == "110000"


def _problem(raw):
    found = creditcode.problems(creditcode.normalise(raw))
    assert len(found) == 1
    assert str(found[0].message).strip()
    return found[0]


def test_empty():
    problem = _problem("")
    assert problem.code == "empty"
    assert problem.message == translation.gettext("Please enter the unified social credit code.")


@pytest.mark.parametrize("raw,n", [("91350100M000100Y4", 17), ("9135", 4), ("91350100M000100Y431", 19),
                                   ("91350100M000100Y43 91", 20)])
def test_wrong_length(raw, n):
    problem = _problem(raw)
    assert problem.code == "length"
    assert problem.message == translation.gettext(
        "The unified social credit code has 18 characters; %(n)d were entered.") % {"n": n}
    assert str(n) in problem.message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters(letter):
    raw = "91350100M000100Y4" + letter
    problem = _problem(raw)
    assert problem.code == "character"
    assert letter in problem.message


def test_forbidden_letters_listed_once_each_in_order():
    problem = _problem("9135010OI000100Y4O")
    assert problem.code == "character"
    assert "I、O" in problem.message


def test_forbidden_punctuation():
    problem = _problem("91350100M000100Y4*")
    assert problem.code == "character"
    assert "*" in problem.message


def test_lower_case_forbidden_letter_is_reported_in_upper_case():
    problem = _problem("91350100m000100y4o")
    assert problem.code == "character"
    assert "O" in problem.message


def test_non_digit_division_code():
    body = "91A50100M000100Y4"
    code = body + creditcode.check_character(body)
    problem = _problem(code)
    assert problem.code == "division"
    assert problem.message == translation.gettext(
        "Characters 3 to 8 of the code are the administrative division code and must be digits.")


@pytest.mark.parametrize("code", VALID)
def test_wrong_check_character(code):
    wrong = next(c for c in creditcode.ALPHABET if c != code[17])
    problem = _problem(code[:17] + wrong)
    assert problem.code == "check"
    assert "18" in problem.message


def test_swapped_characters_fail_the_check():
    code = "91350100M000100Y43"
    swapped = code[:11] + code[12] + code[11] + code[13:]
    assert swapped != code
    assert _problem(swapped).code == "check"


def test_every_single_character_change_is_caught():
    code = make_credit_code("320500")
    for position in range(17):
        for replacement in creditcode.ALPHABET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1:]
            assert not creditcode.is_valid(changed), changed


class TestFormField:
    def test_cleans_to_normalised_code(self):
        field = CreditCodeField()
        assert field.clean("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"

    @pytest.mark.parametrize("raw,code", [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y4O", "character"),
        ("91350100M000100Y44", "check"),
    ])
    def test_error_code_and_message(self, raw, code):
        from django.core.exceptions import ValidationError

        field = CreditCodeField()
        with pytest.raises(ValidationError) as info:
            field.clean(raw)
        assert info.value.code == code
        assert info.value.messages[0] == creditcode.problems(creditcode.normalise(raw))[0].message

    def test_required(self):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as info:
            CreditCodeField().clean("  ")
        assert info.value.code == "required"


def _with_check(first17):
    return first17 + creditcode.check_character(first17)


def test_the_first_two_characters_follow_the_gb_32100_table():
    """Position 1 is a registering department, position 2 a kind of organisation that department registers."""
    zeros = "0" * 18
    assert [p.code for p in creditcode.problems(zeros)] == ["department"]
    assert "1–9、A、N或Y" in creditcode.problems(zeros)[0].message
    wrong_kind = _with_check("94320505MA1XXXXX0")  # 工商 registers kinds 1, 2 and 3 only
    found = creditcode.problems(wrong_kind)
    assert [p.code for p in found] == ["kind"] and "1、2、3" in found[0].message and "“4”" in found[0].message
    for first_two in ("91", "92", "93", "11", "12", "52", "53", "Y1", "N3", "A1", "31", "81"):
        assert creditcode.problems(_with_check(f"{first_two}320505MA1XXXXX0")) == [], first_two
    assert [p.code for p in creditcode.problems(_with_check("Y2320505MA1XXXXX0"))] == ["kind"]


def test_a_hyphen_is_not_counted_and_the_message_says_so(client, db):
    field = CreditCodeField()
    with pytest.raises(ValidationError) as refused:
        field.clean("91320505-MA1XXXXX0")  # 17 characters and a hyphen
    assert "去掉空格和连字符后当前为17位" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        field.clean("91320505MA1XXXXX0")
    assert "连字符" not in refused.value.messages[0] and "17" in refused.value.messages[0]
    code = _with_check("91320505MA1XXXXX0")
    assert field.clean(f"{code[:8]}-{code[8:]}") == code
