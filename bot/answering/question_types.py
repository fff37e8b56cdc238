"""What kind of question this is, and whether it is about an individual patient's clinical care.

``question_type`` steers answer selection (a figure, a procedure, a definition, a reason, a yes/no,
a responsibility). ``clinical_scope`` is the scope guard: doses, infusion rates, prescribing and
premedication for a patient are decided with the clinical protocol and a pharmacist, never from a quote.
"""
from __future__ import annotations

import re

QUESTION_TYPES = ("procedure", "why", "who", "figure", "definition", "yesno", "other")

_TYPES = [
    ("procedure", re.compile(
        r"\bwhat (?:do|should|must|would|can) (?:i|we|you|they) (?:do|check|record)\b|\bwhat happens (?:if|when|after)\b"
        r"|\bhow (?:do|should|would|can|must|to) (?:i|we|you|they)?\s*\w+|\bhow to\b|\bsteps?\b|\bprocedure\b"
        r"|\bprocess (?:for|of)\b|\b(?:in )?what order\b|\border (?:of|for|to)\b|\bsequence\b|\bwhat to do\b"
        r"|\bwhat (?:are|is) the (?:steps|process|procedure)\b|^if\b|\bwhen (?:a|an|the) .+, what\b", re.I)),
    ("why", re.compile(r"^\s*(?:but )?why\b|\bwhy (?:do|does|is|are|should|must|can't|cant|would)\b|\breason\b|"
                       r"\bhow come\b|\bwhat(?:'s| is) the point\b", re.I)),
    ("who", re.compile(r"^\s*who\b|\bwho (?:can|should|must|is|does|signs|checks|releases|decides)\b|"
                       r"\bwhose\b|\bresponsib", re.I)),
    ("figure", re.compile(
        r"\bhow (?:many|much|long|often|soon|far|big|high|low|fast|cold|warm|hot|old)\b|\blimits?\b|\bmax(?:imum)?\b"
        r"|\bmin(?:imum)?\b|\btemp(?:erature)?s?\b|\bcfu\b|\bµm\b|\bmicrons?\b|\bper ?cent\b|%|\bpressure\b|\bpa\b"
        r"|\bfrequency\b|\binterval\b|\bexpiry\b|\bshelf[ -]life\b|\bnumber of\b|\bwhat (?:size|volume|rate|speed)\b"
        r"|\b\d+(?:\.\d+)?\s?(?:ml|mg|µm|um|kbq|mbq|°c|c|pa|h|hrs?|hours?|days?|mins?|minutes?)\b", re.I)),
    ("definition", re.compile(r"^\s*(?:so )?what(?:'s| is| are|s) (?:a |an |the )?[\w\s/()-]{1,40}\??\s*$|"
                              r"\bwhat does .+ (?:mean|stand for)\b|\bdefin(?:e|ition)\b|\bmeaning of\b|"
                              r"\bwhat do (?:we|you|they) mean by\b|\bstand for\b", re.I)),
    ("yesno", re.compile(r"^\s*(?:hi[,!]?\s+|quick (?:one|question)[:,-]?\s+)?(?:can|could|is|are|do|does|did|should|"
                         r"must|may|am|will|would|has|have|isn't|aren't|don't)\b|\bis it (?:ok|okay|fine|allowed|safe)\b|"
                         r"\b(?:am i|are we) allowed\b", re.I)),
]


def question_type(text: str) -> str:
    for name, pattern in _TYPES:
        if pattern.search(text):
            return name
    return "other"


# --- the clinical scope guard -----------------------------------------------------------------
_PATIENT = re.compile(
    r"\b(?:my|this|the|our|a|that|his|her|their) (?:patient|pt|child|baby|neonate|infant|toddler|lady|man|woman|"
    r"gentleman|boy|girl|kid|teenager|adult|elderly|old (?:man|lady))s?\b|\bpatients?\b|\bpt\b"
    r"|\b(?:mr|mrs|ms|miss|dr)\.? [A-Z][a-z]+|\bbed \d+\b|\bward \d+\b|\bon (?:the )?ward\b|\bin (?:the )?clinic\b"
    r"|\b\d+(?:\.\d+)?\s?(?:kg|kilos?|kilograms?)\b|\b\d+\s?(?:years?|yrs?|yo|months?|weeks?|days?)[ -]?old\b"
    r"|\baged? \d+|\bweigh(?:s|ing)\b|\b(?:crcl|egfr|gfr|creatinine|bsa of|renal (?:function|impairment|failure)|"
    r"hepatic (?:function|impairment)|liver (?:function|impairment)|kidney (?:function|failure)|dialysis)\b"
    r"|\b(?:he|she)(?:'s| is| has)\b|\b(?:his|her) (?:bloods|gfr|weight|renal|neuts|inr|bsa)\b", re.I)
_CLINICAL_ACTION = re.compile(
    r"\b(?:dose|dosing|dosage) (?:of|for|should|to give|adjust\w*|reduc\w*|change\w*|escalat\w*)\b|\bmg ?/ ?kg\b"
    r"|\bmg/m2\b|\bhow much \w+ (?:should|do|can|to) (?:i|we|you|he|she|they) (?:give|have|get|take|prescribe)\b"
    r"|\b(?:infusion|drip) rate\b|\binfuse(?:d)? over\b|\bbolus\b|\bprescri(?:be|bing)\b|\bwithh?old\b|\bomit\b"
    r"|\btitrat\w+|\bpre-?med\w*|\bantiemetic\b|\ballerg\w+|\binteract\w*|\bcontraindicat\w+|\bside effects?\b"
    r"|\b(?:start|keep|put) (?:him|her|them) on\b|\bshould (?:he|she|they|the patient|the baby) (?:have|get|be given|be on)\b"
    r"|\b(?:can|could) (?:he|she|they|the patient|the baby|we) (?:still )?(?:have|get|be given|take)\b"
    r"|\b(?:still )?give (?:him|her|them|his|her|their)\b|\bdelay (?:the|his|her|their)\b", re.I)
_STRONGLY_CLINICAL = re.compile(
    r"\bpre-?med(?:ication|s|icate)?\b|\b(?:infusion|drip|pump) rate\b|\brun (?:it |the \w+ )?at \d|\bml ?/ ?(?:hr|h|hour)\b"
    r"|\bml per hour\b|\bwhat (?:dose|strength|rate) (?:of|should|for|do (?:i|we) give)\b"
    r"|\bwhat(?:'?s| is| are)? the (?:usual |normal |right |correct |max(?:imum)? |starting |loading |maintenance |"
    r"paediatric |pediatric |adult |neonatal |renal )?dos(?:e|es|ing|age) (?:of|for)\b|\bloading dose\b|\bmaintenance dose\b"
    r"|\bdose of [a-z]+ (?:for|in|to)\b|\b(?:should|can|shall) (?:i|we|you) (?:prescribe|administer|withhold|omit|restart"
    r"|titrate)\b|\bfirst[ -]line\b|\bwhat (?:antibiotic|antiemetic|analgesi\w+|drug|medicine|treatment) (?:should|would|do|for)\b"
    r"|\bis it safe to (?:give|take|use) (?:him|her|them|it with)\b|\binteract(?:s|ion)? with\b|\bbreast ?feed\w*\b"
    r"|\binr\b|\brechalleng\w+"
    # moving a person from one medicine to another (an opioid or steroid switch) is a prescribing decision
    r"|\b(?:switch|convert|chang|swap|mov)(?:e|es|ed|ing)? (?:someone|somebody|him|her|them|(?:a|the|my|this|our) "
    r"(?:patient|pt|child|baby|lady|man|woman)) (?:over )?(?:from|onto|on to|to)\b"
    r"|\b(?:opioid|opiate|steroid|morphine) (?:conversion|switch\w*|equivalen\w+)\b", re.I)
# technical-services work on doses that the pack does cover: never the clinical guard's business
_TECHNICAL = re.compile(r"\bdose[- ]band\w*|\bbanding\b|\bdose (?:calculation|check|verification|rounding)s?\b|"
                        r"\bdose calibrator\b|\bradiation dose\b|\bdose limits?\b|\beffective dose\b|\bdosimet\w+|"
                        r"\bclassified (?:worker|person)\b|\birr ?17\b|\bcalibrat\w+|\bconstancy\b|\bworksheet\b|"
                        r"\bdouble[- ]check\w*\b|\bsecond check\w*\b|\bdisplacement\b|\bbroth\b|\brecall\w*\b", re.I)

CLINICAL_REPLY = (
    "I can't help with an individual patient's clinical care: doses, infusion rates, prescribing and "
    "premedication are decided from the patient's clinical protocol or prescription with a pharmacist or the "
    "prescriber. Check the protocol and ask the clinical pharmacist on duty (or the prescriber). I answer "
    "questions about technical services practice — preparation, quality, cleanrooms, QC and training — from the "
    "approved material.")


def clinical_scope(text: str) -> bool:
    """True for a question about an individual patient's clinical care (never answered with a quote)."""
    if _TECHNICAL.search(text):
        return False
    if _STRONGLY_CLINICAL.search(text):
        return True
    return bool(_PATIENT.search(text) and _CLINICAL_ACTION.search(text))
