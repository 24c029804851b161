"""Cues in referral text that change what a finding means: negation, history, urgency."""

from app.classification.text import terms

NEURO_INTACT_TERMS = terms(
    [
        (
            "INTACT",
            r"neuro(logically|logic|logical)? (exam )?(intact|normal|negative)|normal neuro"
            r"|moves all (4|four)|no (focal )?(neuro(logic(al)?)? )?deficits?"
            r"|intact neurologically|neuro exam normal",
            "neurologically intact",
        )
    ]
)
DEFICIT_TERMS = terms(
    [
        (
            "DEFICIT",
            r"weakness|paresis|plegia|cord (injury|contusion)|quadripar|parapar|foot drop",
            "a neurological deficit",
        )
    ]
)
STAT_TERMS = terms(
    [
        (
            "STAT",
            r"code stroke|stroke alert|stroke|last known well|\btpa\b|large vessel occlusion"
            r"|hemiparesis|aphasia",
            "acute stroke",
        ),
        (
            "STAT",
            r"cauda equina|saddle an(a)?esthesia|urinary (retention|incontinence)"
            r"|bladder (control|dysfunction)|numb buttocks|perine(al|um) numb"
            r"|difficulty passing urine",
            "cauda equina",
        ),
        ("STAT", r"cord compression|cord (injury|contusion)", "spinal cord compression or injury"),
        ("STAT", r"epidural abscess", "epidural abscess"),
        ("STAT", r"pulmonary embol", "pulmonary embolism"),
        ("STAT", r"dissection", "dissection"),
        (
            "STAT",
            r"subarachnoid|intracranial hemorrhage|worst headache|thunderclap"
            r"|epidural h(a)?ematoma",
            "possible haemorrhage",
        ),
        (
            "STAT",
            r"trauma|motor vehicle|\bfall\b|\bfell\b|accident|gunshot|assault|head strike"
            r"|hit head|rollover",
            "acute trauma",
        ),
    ]
)
URGENT_TERMS = terms(
    [
        (
            "URGENT",
            r"\bnew\b[^,.;]*(weakness|deficit|foot drop|paresis|seizure)|new onset"
            r"|progressive[^,.;]*weakness|sudden weakness",
            "a new neurological deficit",
        ),
        (
            "URGENT",
            r"(sudden|acute|new|rapid)[^,.;]*(loss of vision|vision loss|visual loss|blind)"
            r"|(loss of vision|vision loss|visual loss)[^,.;]*(today|morning|yesterday|hours|days)",
            "an acute loss of vision",
        ),
        (
            "URGENT",
            r"shunt (malfunction|failure|obstruction)|blocked shunt|hardware failure"
            r"|lead migration|device (failure|malfunction)|screw loosening|pump failure",
            "a suspected device failure",
        ),
        (
            "URGENT",
            r"inpatient|hospitali[sz]ed|admitted|emergency|\bicu\b",
            "inpatient or emergency work-up",
        ),
        (
            "URGENT",
            r"abscess|(line|tube) (placement|position)|placement confirmation|tube position"
            r"|picc placement|tube placement",
            "an urgent question",
        ),
    ]
)
NEGATION_CUES = terms(
    [
        (
            "NEG",
            r"\b(no|not|denies|denied|without|negative for|neg for|absent|free of|never)\b",
            "negation",
        )
    ]
)
HISTORY_CUES = terms(
    [
        (
            "HISTORY",
            r"\bhistory\b|\bprior\b|\bremote\b|\bprevious\b|\bold\b|\bknown\b|\d+ ?(weeks?|wks?"
            r"|months?|mos?|years?|yrs?) ago|\bin (19|20)\d\d|\b(19|20)\d\d\b|follow up|\bf u\b"
            r"|surveillance",
            "history",
        )
    ]
)


NEGATION_REACH_WORDS = 5


def negated(clause: str, start: int) -> bool:
    """Whether a negation cue stands within a few words before `start` in the clause."""
    before = clause[:start]
    cues = list(NEGATION_CUES[0].pattern.finditer(before))
    return bool(cues) and len(before[cues[-1].end() :].split()) <= NEGATION_REACH_WORDS
