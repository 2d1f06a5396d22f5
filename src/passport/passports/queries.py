"""Query expressions for lists of children: their layer and primary need, in one query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from passport.passports.models import LayerAssignment, RankedNeed, Review


def current_layer_code() -> Subquery:
    """Annotate a Child queryset with the code of the layer in force."""
    return Subquery(
        LayerAssignment.objects.filter(passport__child=OuterRef("pk"))
        .order_by("-starts_on", "-pk")
        .values("layer")[:1]
    )


def primary_need_code() -> Subquery:
    """Annotate a Child queryset with the primary (rank 1) need type."""
    return Subquery(
        RankedNeed.objects.filter(passport__child=OuterRef("pk"), rank=1).values("need_type")[:1]
    )


def next_review_due() -> Subquery:
    """Annotate a Child queryset with the next review date the latest review set."""
    return Subquery(
        Review.objects.filter(passport__child=OuterRef("pk"))
        .order_by("-held_on", "-pk")
        .values("next_review_on")[:1]
    )
