"""Tests for pipeline.formatting: the one rounding rule, Chinese dates, 文号 and numerals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.formatting import (
    DASH,
    chinese_date,
    chinese_date_upper,
    chinese_numeral,
    doc_number,
    percent,
    ratio,
    year_month,
)


# --- percent / ratio ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n, d, places, expected",
    [
        (9700, 12670, 2, "76.56%"),
        (2205, 2360, 2, "93.43%"),
        (1, 3, 2, "33.33%"),
        (2, 3, 2, "66.67%"),
        (1, 8, 1, "12.5%"),
        (1, 8, 0, "13%"),  # 12.5 → 13: half up, not half even
        (1, 40, 1, "2.5%"),
        (1, 400, 2, "0.25%"),
        (5, 2000, 2, "0.25%"),
        (1, 800, 2, "0.13%"),  # 0.125 → 0.13
        (0, 5, 2, "0.00%"),
        (5, 5, 2, "100.00%"),
        (3, 5, 0, "60%"),
    ],
)
def test_percent_examples(n, d, places, expected):
    assert percent(n, d, places) == expected


def test_percent_default_places_is_two():
    assert percent(9700, 12670) == "76.56%"


@pytest.mark.parametrize("n, d", [(0, 0), (5, 0), (None, 10), (10, None)])
def test_percent_without_denominator_is_a_dash(n, d):
    assert percent(n, d) == DASH == "—"


def test_ratio_is_a_decimal_rounded_half_up():
    assert ratio(1, 8, 2) == Decimal("0.13")
    assert ratio(1, 3, 4) == Decimal("0.3333")
    assert ratio(-1, 8, 2) == Decimal("-0.13")  # half away from zero, as ROUND_HALF_UP
    assert ratio(Fraction(1, 2), 1, 0) == Decimal("1")
    assert str(ratio(3, 4, 3)) == "0.750"


def test_ratio_rejects_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        ratio(1, 0, 2)


def test_ratio_is_exact_where_a_28_digit_quotient_would_double_round():
    # 0.00499999999999999999999999999999… (31 nines) would round to 0.005 at 28 digits and then
    # to 0.01; the exact value is below one half of the last place and must round to 0.00.
    n, d = 5 * 10**31 - 1, 10**34
    assert ratio(n, d, 2) == Decimal("0.00")
    assert ratio(5 * 10**31, d, 2) == Decimal("0.01")


@given(st.integers(0, 10**9), st.integers(1, 10**9), st.integers(0, 6))
def test_ratio_matches_exact_half_up(n, d, places):
    value = Fraction(n, d) * 10**places
    floor = value.numerator // value.denominator
    expected = floor + (1 if value - floor >= Fraction(1, 2) else 0)
    assert ratio(n, d, places) == Decimal(expected).scaleb(-places)


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_ratio_agrees_with_decimal_quantize_where_the_quotient_terminates(n, d):
    # d of the form 2^a 5^b → exact decimal quotient; then quantize must agree.
    d2 = 2 ** (d % 7) * 5 ** (d % 5)
    exact = Decimal(n) / Decimal(d2)
    assert ratio(n, d2, 2) == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- dates ----------------------------------------------------------------------------------
def test_chinese_date():
    assert chinese_date("2026-03-18") == "2026年3月18日"
    assert chinese_date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert chinese_date(dt.datetime(2026, 1, 9, 8, 30)) == "2026年1月9日"


def test_chinese_date_upper():
    assert chinese_date_upper("2026-03-18") == "二〇二六年三月十八日"
    assert chinese_date_upper("2012-03-31") == "二〇一二年三月三十一日"
    assert chinese_date_upper(dt.date(2000, 10, 10)) == "二〇〇〇年十月十日"
    assert chinese_date_upper("2021-11-20") == "二〇二一年十一月二十日"


def test_bad_dates_raise():
    with pytest.raises(ValueError):
        chinese_date("2026-02-30")
    with pytest.raises(TypeError):
        chinese_date(20260318)


def test_doc_number():
    assert doc_number("阳选委", 2026, 3) == "阳选委〔2026〕3号"
    assert doc_number("柳选委", 2026, 12) == "柳选委〔2026〕12号"


def test_year_month():
    assert year_month("1972-05") == "1972年5月"
    assert year_month("1990-12") == "1990年12月"
    with pytest.raises(ValueError):
        year_month("1990-13")


# --- numerals -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "零"),
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (105, "一百零五"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (999, "九百九十九"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (1011, "一千零一十一"),
        (2026, "二千零二十六"),
        (9999, "九千九百九十九"),
        (3005, "三千零五"),
    ],
)
def test_chinese_numeral(n, expected):
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize("n", [-1, 10000])
def test_chinese_numeral_range(n):
    with pytest.raises(ValueError):
        chinese_numeral(n)


def test_chinese_numeral_rejects_non_integers():
    with pytest.raises(TypeError):
        chinese_numeral(True)
    with pytest.raises(TypeError):
        chinese_numeral(1.5)
