"""Campaign models, one module per area (each area's owner edits only its module)."""

from .campaign import Campaign, Milestone, Stage, Step, StepExtension  # noqa: F401
