from django.db.models import QuerySet
from django.db.models.functions import Lower

from .models import Assignment


def ordered_assignments(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """docs/design.md's order: project client (case-insensitive, no client last), project name
    (case-insensitive), then id."""
    return qs.order_by(Lower("project__client").asc(nulls_last=True), Lower("project__name"), "id")
