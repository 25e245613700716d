"""`text_dir` gives a PDF element the direction HTML's dir="auto" would: from the first strong character."""

import pytest

from portal.templatetags.bidi import text_dir


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you for your order!", "ltr"),
        ("شكراً لطلبكم!", "rtl"),
        ("12 شارع التحلية", "rtl"),  # digits are weak: the Arabic word decides
        ("12 Tahlia Street", "ltr"),
        ("", "ltr"),
        (None, "ltr"),
    ],
)
def test_the_first_strong_character_decides(text, expected):
    assert text_dir(text) == expected
