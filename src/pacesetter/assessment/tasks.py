"""Background work of assessment: computing a scorecard with a progress bar."""

from django.utils.translation import gettext_lazy as _

from pacesetter.core.tasks import task


@task(label=_("计算考核结果"))
def scorecard_compute_task(*, scorecard_id: int) -> None:
    from .services import scorecard_run

    scorecard_run(scorecard_id)
