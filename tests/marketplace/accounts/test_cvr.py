from hypothesis import given
from hypothesis import strategies as st

from marketplace.accounts.cvr import WEIGHTS, is_valid_cvr, normalise_cvr


def test_known_numbers():
    assert is_valid_cvr("12345674")
    assert not is_valid_cvr("12345678")
    assert not is_valid_cvr("02345674")  # no CVR number starts with 0
    assert not is_valid_cvr("1234567")
    assert not is_valid_cvr("１２３４５６７４")  # full-width digits are not ASCII digits


def test_normalise_strips_prefix_and_spaces():
    assert normalise_cvr("DK 12 34 56 74") == "12345674"
    assert normalise_cvr("dk12345674") == "12345674"


@given(
    st.text(alphabet="123456789", min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_every_seven_digit_stem_has_at_most_one_check_digit(first, rest):
    stem = first + rest
    valid = [d for d in "0123456789" if is_valid_cvr(stem + d)]
    assert len(valid) <= 1
    for digit in valid:
        total = sum(int(c) * w for c, w in zip(stem + digit, WEIGHTS, strict=True))
        assert total % 11 == 0


@given(st.from_regex(r"[1-9][0-9]{7}", fullmatch=True), st.integers(0, 7), st.integers(1, 9))
def test_changing_one_digit_breaks_a_valid_number(number, position, delta):
    """Modulus 11 with these weights catches every single-digit typo."""
    if not is_valid_cvr(number):
        return
    typo = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not is_valid_cvr(typo)
