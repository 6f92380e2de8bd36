import os

import pghistory
from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")


class TenantTask(DjangoTask):
    """Base of every task on tenant data: it takes `organisation_id` as a
    keyword argument and runs inside that tenant (scopes and row-level
    security), with the task recorded in the change history's context.

        @app.task(base=TenantTask)
        def reminder_send(reminder_id): ...

        reminder_send.delay_on_commit(reminder.pk, organisation_id=org.pk)

    Django's task class gives `delay_on_commit`: the task is sent once the
    transaction that scheduled it commits, never for a rolled-back one.
    """

    abstract = True
    # Celery checks the arguments of delay() against the task's signature,
    # which does not name organisation_id: __call__ takes it.
    typing = False

    def __call__(self, *args, organisation_id: int, **kwargs):
        from thrasos.tenancy import tenant_context

        with (
            pghistory.context(task=self.name, task_id=getattr(self.request, "id", None)),
            tenant_context(int(organisation_id)),
        ):
            return super().__call__(*args, **kwargs)


app = Celery("thrasos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
