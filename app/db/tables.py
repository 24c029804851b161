"""Imports every table module so `Base.metadata` is complete (for Alembic and tests)."""

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.db.base import Base
from app.deliveries import models as deliveries_models
from app.orders import models as orders_models
from app.people import models as people_models
from app.rules import models as rules_models
from app.second_opinions import models as second_opinions_models
from app.studies import models as studies_models
from app.tasks import models as tasks_models

TABLE_MODULES = (
    audit_models,
    auth_models,
    deliveries_models,
    orders_models,
    people_models,
    rules_models,
    second_opinions_models,
    studies_models,
    tasks_models,
)
metadata = Base.metadata
