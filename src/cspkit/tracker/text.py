"""Text every output of the tracker can hold (Word and PDF reports, HTML, XML exports)."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (C0 controls other than tab and line ends, U+FFFE, U+FFFF):
# a Word report, or any XML export, of text holding one cannot be written.
NOT_IN_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Word's manual line break (vertical tab) and page break (form feed), pasted from a document.
WORD_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})


def plain_text(value: str) -> str:
    """``value`` as text every report format can hold: Word's line and page breaks become
    line breaks, and other characters XML cannot hold (control characters) are removed."""
    return NOT_IN_XML.sub("", value.translate(WORD_BREAKS))
