"""Row ids and versions as requests name them, bounded by the Postgres types that hold them: a
number past them is refused naming its field, where the database would refuse it unnamed."""

from typing import Annotated

from pydantic import Field

BIGINT_MAX = 2**63 - 1  # every table's id
INTEGER_MAX = 2**31 - 1  # versions and counts

RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
RowVersion = Annotated[int, Field(ge=1, le=INTEGER_MAX)]
