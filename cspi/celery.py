import os

from celery import Celery
from celery.signals import before_task_publish, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspi.settings")

app = Celery("cspi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The id of the request that queued a task follows it into the worker's logs (cspi/request_ids).
from cspi.request_ids import task_message_stamp, task_request_id_adopt  # noqa: E402

before_task_publish.connect(task_message_stamp, weak=False)
task_prerun.connect(task_request_id_adopt, weak=False)
