"""RMB amounts in Chinese capital numerals (大写金额), pure Python (P4.2.1 printed order).

Follows the People's Bank / Ministry of Finance rules for filling in vouchers
(《正确填写票据和结算凭证的基本规定》):
- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four, groups 万 亿 万亿;
- 壹 is always written before 拾 (10 -> 壹拾元整);
- a run of zeros between non-zero digits is written as one 零 (1004 -> 壹仟零肆);
- an amount ending at 元 ends with 整; at 角 the 整 is left out (it may be omitted);
  at 分 nothing follows;
- 角 zero and 分 non-zero: 零 after 元 (16409.02 -> 壹万陆仟肆佰零玖元零贰分);
- 元 digit zero and 角 non-zero: no 零 (the rules allow both; 100010.50 ->
  壹拾万零壹拾元伍角);
- below one yuan no 元 is written (0.05 -> 伍分); zero is 零元整;
- amounts are rounded half up to the 分; negative amounts start with 负.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
IN_GROUP = ("仟", "佰", "拾", "")
GROUPS = ("", "万", "亿", "万亿")
LIMIT = Decimal(10) ** 16          # 万亿 is the largest group written
CENT = Decimal("0.01")


def _group_words(group: int) -> str:
    """Words for 1..9999 without the group unit; inner zeros collapse to one 零."""
    words, pending_zero = [], False
    for unit, digit in zip(IN_GROUP, f"{group:04d}", strict=True):
        if digit == "0":
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(DIGITS[int(digit)] + unit)
    return "".join(words)


def _integer_words(yuan: int) -> str:
    """Words for a whole number of yuan (> 0), without 元."""
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words, pending_zero = [], False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words.append("零")
        pending_zero = False
        words.append(_group_words(group) + GROUPS[index])
    return "".join(words)


def amount_in_words(amount: Decimal) -> str:
    """The amount in 大写, e.g. Decimal("100010.50") -> "壹拾万零壹拾元伍角".

    Raises:
        ValueError: not a finite number, or 1e16 yuan or more.
    """
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(value) >= LIMIT:
        raise ValueError("amount too large for Chinese capital numerals")
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if cents == 0:
        return "零元整"
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return sign + words + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return sign + words
