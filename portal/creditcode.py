"""统一社会信用代码 (GB 32100-2015): normalisation and check-character validation."""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def normalise(raw: str) -> str:
    """Full-width to half-width (NFKC), upper case, spaces and hyphens removed."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-—_")


def check_character(first17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeProblem:
    code: str
    message: str


def problems(code: str) -> list[CodeProblem]:
    """Everything wrong with an already normalised code, in Chinese (through gettext)."""
    if not code:
        return [CodeProblem("empty", _("Please enter the unified social credit code."))]
    if len(code) != LENGTH:
        return [
            CodeProblem(
                "length",
                _("The unified social credit code has 18 characters; %(n)d were entered.") % {"n": len(code)},
            )
        ]
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
