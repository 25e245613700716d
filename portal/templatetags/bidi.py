"""`{{ text|text_dir }}`: "rtl" or "ltr" from the text's first strong character, as HTML's `dir="auto"` does.

The PDF renderer does not implement `dir="auto"`, so documents that mix the reader's language with text
typed by a merchant or their customers (an English message on an Arabic slip) give each such element an
explicit direction; otherwise "Thank you!" is drawn as "!Thank you" on a right-to-left page.
"""

from __future__ import annotations

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_dir(text: object) -> str:
    for char in str(text or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
