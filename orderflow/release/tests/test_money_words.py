"""P4.2.1: the printed order's total in Chinese capital numerals (大写金额), following the
rules for filling in vouchers (《正确填写票据和结算凭证的基本规定》). Pure tests."""

from decimal import Decimal

import pytest

from orderflow.release.domain.money_words import amount_in_words


@pytest.mark.parametrize(("amount", "words"), [
    # the brief's examples
    ("0.05", "伍分"),
    ("10.00", "壹拾元整"),
    ("100010.50", "壹拾万零壹拾元伍角"),
    ("1000000000.00", "壹拾亿元整"),
    # zero and below one yuan: no 元
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.10", "壹角"),
    ("0.5", "伍角"),
    ("0.56", "伍角陆分"),
    # 壹 always before 拾
    ("11", "壹拾壹元整"),
    ("19.9", "壹拾玖元玖角"),
    ("110", "壹佰壹拾元整"),
    ("100000", "壹拾万元整"),
    # zeros in the middle collapse into one 零
    ("101", "壹佰零壹元整"),
    ("1004", "壹仟零肆元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1040", "壹仟零肆拾元整"),
    ("1400", "壹仟肆佰元整"),
    ("10001", "壹万零壹元整"),
    ("10010", "壹万零壹拾元整"),
    ("10100", "壹万零壹佰元整"),
    ("11000", "壹万壹仟元整"),
    ("100001", "壹拾万零壹元整"),
    ("1000100", "壹佰万零壹佰元整"),
    ("100000001", "壹亿零壹元整"),
    ("101000000", "壹亿零壹佰万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("1000000000000", "壹万亿元整"),
    ("1000000010000", "壹万亿零壹万元整"),
    # 角 zero, 分 not: 零 after 元 (required)
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1.01", "壹元零壹分"),
    # 元 digit zero, 角 not: the optional 零 is left out
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    # ending at 角: no 整
    ("1.5", "壹元伍角"),
    ("1.50", "壹元伍角"),
    # every digit
    ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ("9999999999999999.99",
     "玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # negative
    ("-5.5", "负伍元伍角"),
    ("-0.05", "负伍分"),
    ("-1000000", "负壹佰万元整"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), [
    ("0.005", "壹分"),        # rounded half up to the 分
    ("0.004", "零元整"),
    ("9.995", "壹拾元整"),
    ("-0.004", "零元整"),     # negative zero is zero
    ("12.345", "壹拾贰元叁角伍分"),
])
def test_amounts_are_rounded_half_up_to_the_fen(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_integers_are_accepted():
    assert amount_in_words(20) == "贰拾元整"


@pytest.mark.parametrize("amount", ["1e16", "-1e16", "NaN", "Infinity"])
def test_too_large_or_not_a_number_is_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))
