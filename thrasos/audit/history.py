"""Change history of tenant models, captured by database triggers
(django-pghistory): bulk updates and raw SQL are recorded too. Each event row
carries the organisation (so row-level security applies to history tables)
and the context of the change (acting user, request id)."""

import pghistory


def track_changes(model):
    """Class decorator for every tenant model holding programme data."""
    # Fresh trackers for each model: they keep per-model state.
    events = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return pghistory.track(*events)(model)
