"""Privacy guard: questions must not carry patient-identifiable data (NHS numbers, name + date of birth)."""
from __future__ import annotations

import re

_NHS = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b[:\s]*"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4})"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b", re.I)
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Dr|patient|pt|baby)\.?\s+[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?"
                   r"|\b[A-Z][a-z'-]+\s+[A-Z][A-Z'-]{2,}\b")

REFUSAL = ("Your message looks like it contains patient-identifiable information ({what}). I have not stored "
           "or forwarded it. Please remove the patient's details and ask again in general terms.")


def valid_nhs_number(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; check digit 11 − (sum mod 11), 11 → 0, 10 invalid."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def find_identifiers(text: str) -> list[str]:
    """What kinds of patient identifier the text seems to contain (empty when none)."""
    found = []
    if any(valid_nhs_number("".join(m.groups())) for m in _NHS.finditer(text)):
        found.append("an NHS number")
    if _DOB.search(text) and _NAME.search(text):
        found.append("a patient name with a date of birth")
    return found


def refusal_for(text: str) -> str | None:
    found = find_identifiers(text)
    return REFUSAL.format(what=" and ".join(found)) if found else None
