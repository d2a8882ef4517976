"""French typography of the messages written by ``urssaf/``.

A non-breaking space (U+00A0) before « : ; ! ? », and inside « » guillemets.
What a message quotes between guillemets (a value typed by the user, Urssaf's
own words) is not ours and is not checked; neither are URLs, nor times and
codes such as ``10:00`` (no space after the sign: not punctuation).
"""

import re

NBSP = "\u00a0"
_QUOTED = re.compile(r"«\u00a0.*?\u00a0»", re.DOTALL)
_URL = re.compile(r"https?://\S+")
# A sign of high punctuation followed by a space or the end: French prose.
_HIGH_SIGN = re.compile(r"(?P<before>.?)(?P<sign>[:;!?])(?=\s|$)")


def typography_problems(text):
    """What is wrong in ``text`` (an empty list when it is correct)."""
    wrong = []
    plain = _URL.sub("", _QUOTED.sub("«\u00a0\u00a0»", text))
    for match in _HIGH_SIGN.finditer(plain):
        if match.group("before") != NBSP:
            context = plain[max(match.start() - 20, 0) : match.end() + 1]
            wrong.append(f"no non-breaking space before {match['sign']!r}: {context!r}")
    for match in re.finditer("«(?!\u00a0)|(?<!\u00a0)»", plain):
        context = plain[max(match.start() - 20, 0) : match.end() + 20]
        wrong.append(f"no non-breaking space inside guillemets: {context!r}")
    return wrong
