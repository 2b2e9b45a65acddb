"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), organisation kind (1), administrative division (6
digits), organisation code (9) and a check character computed modulo 31 over the first 17.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

# GB 32100-2015, annex A: registration authority → the organisation kinds it registers.
KINDS_BY_AUTHORITY = {
    "1": "1239",  # 机构编制
    "2": "19",  # 外交
    "3": "1234589",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商（市场监管）
    "A": "19",  # 中央军委改革和编制办公室
    "N": "12349",  # 农业
    "Y": "1",  # 其他
}


def credit_code_check_char(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """What a person meant: full-width characters, spaces and lowercase letters are typing accidents."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def validate_credit_code(value: str) -> None:
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("统一社会信用代码不能包含空格。"), code="spaces")
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)s 位。"), code="length", params={"n": len(value)}
        )
    if any(ch.islower() for ch in value):
        raise ValidationError(_("统一社会信用代码中的字母须为大写。"), code="lowercase")
    bad = sorted({ch for ch in value if ch not in _VALUE})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（只用数字和除 I、O、Z、S、V 以外的大写字母）。"),
            code="characters",
            params={"chars": "、".join(bad)},
        )
    kinds = KINDS_BY_AUTHORITY.get(value[0])
    if kinds is None:
        raise ValidationError(_("统一社会信用代码第 1 位（登记管理部门代码）不正确。"), code="authority")
    if value[1] not in kinds:
        raise ValidationError(_("统一社会信用代码第 2 位（机构类别代码）不正确。"), code="kind")
    if not value[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第 3–8 位应为 6 位数字的行政区划码。"), code="division")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对是否抄错。"), code="check")
