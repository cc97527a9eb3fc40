"""Background jobs of the orgs app: validating large Excel imports with a progress bar."""

from django.utils.translation import gettext_lazy as _

from pacesetter.core.tasks import task


@task(label=_("校验导入文件"))
def import_batch_validate_task(*, batch_id: int) -> None:
    from .imports import import_batch_validate

    import_batch_validate(batch_id)
