import pytest
from django.core.exceptions import ValidationError

from sanfuwu.targets.credit_code import credit_code_check_char, normalize_credit_code, validate_credit_code

# Worked by hand: the 31-character alphabet 0-9 A-H J-N P-R T-U W-Y gives M=21, A=10, G=16, L=20, T=25,
# W=27; the weights are 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
#   9·1 + 1·3 + 3·9 + 3·27 + 0·19 + 1·26 + 1·16 + 4·17 + M21·20 + A10·29 + 2·25 + G16·13 + L20·8
#   + T25·24 + 9·10 + W27·30 + 8·28 = 3136;  3136 mod 31 = 5;  31 − 5 = 26 → 'T'.
HAND_WORKED = "91330114MA2GLT9W8T"


def error_code(value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    return exc.value.code or ""


def test_it_computes_the_check_character_worked_by_hand():
    assert credit_code_check_char(HAND_WORKED[:17]) == "T"


@pytest.mark.parametrize(
    "code",
    [
        HAND_WORKED,
        "91330114MA2GLT9W8T",
        "12330000" + "MA2BCDEF1" + credit_code_check_char("12330000MA2BCDEF1"),
        # check value 0: find a body whose check character is the digit 0
        next(f"91330100{n:09d}0" for n in range(10_000) if credit_code_check_char(f"91330100{n:09d}") == "0"),
    ],
)
def test_it_accepts_valid_codes(code):
    validate_credit_code(code)


def test_it_refuses_a_wrong_check_character():
    assert error_code(HAND_WORKED[:17] + "U") == "check"


def test_it_refuses_two_swapped_characters():
    swapped = HAND_WORKED[:9] + HAND_WORKED[10] + HAND_WORKED[9] + HAND_WORKED[11:]
    assert error_code(swapped) == "check"


@pytest.mark.parametrize("code", [HAND_WORKED[:17], HAND_WORKED + "0", "", "9133"])
def test_it_refuses_a_wrong_length(code):
    assert error_code(code) == "length"


def test_it_refuses_lowercase_letters():
    assert error_code(HAND_WORKED.lower()) == "lowercase"


@pytest.mark.parametrize("code", [" " + HAND_WORKED, HAND_WORKED[:8] + " " + HAND_WORKED[8:]])
def test_it_refuses_spaces(code):
    assert error_code(code) == "spaces"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_it_refuses_letters_the_standard_leaves_out(letter):
    assert error_code(HAND_WORKED[:9] + letter + HAND_WORKED[10:]) == "characters"


def test_it_refuses_chinese_characters():
    assert error_code("91330114MA2GLT9W8中") == "characters"


def test_it_refuses_a_division_code_that_is_not_digits():
    body = "91A30114MA2GLT9W8"
    assert error_code(body + credit_code_check_char(body)) == "division"


def test_its_messages_are_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(HAND_WORKED[:17] + "U")
    assert "校验位" in exc.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    [
        HAND_WORKED.lower(),
        f"  {HAND_WORKED}  ",
        "9133 0114 MA2G LT9W 8T",
        "９１３３０１１４ＭＡ２ＧＬＴ９Ｗ８Ｔ",
    ],
)
def test_it_normalises_what_people_type(typed):
    assert normalize_credit_code(typed) == HAND_WORKED


def test_it_refuses_a_code_of_zeros_although_its_check_character_fits():
    assert credit_code_check_char("0" * 17) == "0"
    assert error_code("0" * 18) == "authority"


@pytest.mark.parametrize(("authority", "kind"), [("9", "4"), ("Y", "2"), ("2", "3")])
def test_it_refuses_an_organisation_kind_its_authority_does_not_register(authority, kind):
    body = authority + kind + HAND_WORKED[2:17]
    assert error_code(body + credit_code_check_char(body)) == "kind"


@pytest.mark.parametrize("prefix", ["11", "12", "31", "51", "52", "53", "91", "92", "93", "N2", "Y1"])
def test_it_accepts_every_common_authority_and_kind(prefix):
    body = prefix + HAND_WORKED[2:17]
    validate_credit_code(body + credit_code_check_char(body))
