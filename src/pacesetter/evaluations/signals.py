"""What evaluations tells the apps above it, without importing them (layers point down).

The complaints app (above) runs the low-satisfaction cases on its one case engine: it opens a case when a
round's close flags a target, and advances it when the organisation answers. Receivers run inside the
sender's transaction (Signal.send, not send_robust): a refusal there rolls the whole step back.
"""

from django.dispatch import Signal

# A round closed with targets below its satisfaction line. Arguments: round_ (the Round) and cases
# (the LowSatisfactionCase rows just created, with their organisation).
low_satisfaction_flagged = Signal()

# An organisation answered a low-satisfaction case. Arguments: actor, case (the LowSatisfactionCase),
# analysis and measures (the cleaned texts).
low_satisfaction_answered = Signal()
