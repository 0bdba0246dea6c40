"""统一社会信用代码 (GB 32100-2015): normalisation and check-character validation."""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
SEPARATORS = "-—_"

#: GB 32100-2015 表 1: position 1, the registering department; position 2, the kinds of organisation it
#: registers.
DEPARTMENTS = {
    "1": ("机构编制", "1239"), "2": ("外交", "19"), "3": ("司法行政", "123459"), "4": ("文化", "19"),
    "5": ("民政", "1239"), "6": ("旅游", "129"), "7": ("宗教", "129"), "8": ("工会", "19"),
    "9": ("工商", "123"), "A": ("中央军委改革和编制办公室", "19"), "N": ("农业", "1239"), "Y": ("其他", "1"),
}


def normalise(raw: str) -> str:
    """Full-width to half-width (NFKC), upper case, spaces and hyphens removed."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in SEPARATORS)


def has_separators(raw: str) -> bool:
    """Whether the input had spaces or hyphens (normalise() leaves them out)."""
    return any(ch.isspace() or ch in SEPARATORS for ch in unicodedata.normalize("NFKC", raw or ""))


def check_character(first17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeProblem:
    code: str
    message: str


def problems(code: str, separators: bool = False) -> list[CodeProblem]:
    """Everything wrong with an already normalised code, in Chinese (through gettext).

    ``separators``: the input had spaces or hyphens, which were left out (the count says so).
    """
    if not code:
        return [CodeProblem("empty", _("Please enter the unified social credit code."))]
    if len(code) != LENGTH:
        if separators:
            message = _("The unified social credit code has 18 characters; %(n)d were entered, not counting the "
                        "spaces and hyphens, which are left out.") % {"n": len(code)}
        else:
            message = _("The unified social credit code has 18 characters; %(n)d were entered.") % {"n": len(code)}
        return [CodeProblem("length", message)]
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        return [
            CodeProblem(
                "character",
                _("The characters %(chars)s cannot appear in a unified social credit code "
                  "(it uses digits and capital letters other than I, O, S, V and Z).")
                % {"chars": "、".join(bad)},
            )
        ]
    department = DEPARTMENTS.get(code[0])
    if department is None:
        return [CodeProblem("department", _(
            "The first character of the code is the registering department (1–9, A, N or Y); “%(c)s” is none of "
            "them.") % {"c": code[0]})]
    if code[1] not in department[1]:
        return [CodeProblem("kind", _(
            "The second character of the code is the kind of organisation; a code registered by %(department)s "
            "(first character %(first)s) has one of %(kinds)s there, not “%(c)s”.") % {
            "department": department[0], "first": code[0], "kinds": "、".join(department[1]), "c": code[1]})]
    if not code[2:8].isdigit():
        return [
            CodeProblem(
                "division",
                _("Characters 3 to 8 of the code are the administrative division code and must be digits."),
            )
        ]
    expected = check_character(code[:17])
    if code[17] != expected:
        return [
            CodeProblem(
                "check",
                _("The check character (the 18th) does not match: please check each character of the code "
                  "against the business licence."),
            )
        ]
    return []


def is_valid(raw: str) -> bool:
    return not problems(normalise(raw))


def division_code(code: str) -> str:
    """Positions 3–8: the registering authority's division code (a hint only)."""
    return normalise(code)[2:8]
