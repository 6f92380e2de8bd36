"""Signals other modules listen to (they import this app, never the reverse)."""

from django.dispatch import Signal

# Sent by services.beneficiary_transition after each stage change, inside its
# transaction, with beneficiary=, transition= (PathwayTransition) and actor=.
pathway_changed = Signal()
