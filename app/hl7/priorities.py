"""Order priorities (HL7 table 0027, TQ1-9 / ORC-7.6 / OBR-27.6) as the worklist's priorities.

| HL7 code | meaning                                   | worklist |
|----------|-------------------------------------------|----------|
| S        | stat                                      | STAT     |
| A        | as soon as possible                       | STAT     |
| U        | urgent (used by many RIS, not in 0027)    | URGENT   |
| T        | timing critical                           | URGENT   |
| C        | callback                                  | URGENT   |
| P        | preoperative                              | URGENT   |
| R        | routine                                   | ROUTINE  |
| PRN      | as needed                                 | ROUTINE  |
Any other code leaves the priority to the images and the question.
"""

from app.vocabulary import Priority

PRIORITY_OF_CODE: dict[str, Priority] = {
    "S": Priority.STAT,
    "A": Priority.STAT,
    "U": Priority.URGENT,
    "T": Priority.URGENT,
    "C": Priority.URGENT,
    "P": Priority.URGENT,
    "R": Priority.ROUTINE,
    "PRN": Priority.ROUTINE,
}


def priority_of(code: str) -> Priority | None:
    return PRIORITY_OF_CODE.get(code.strip().upper())
