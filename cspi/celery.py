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


def _restore_unacked_while_connected() -> None:
    """When Redis goes away, the worker's consumer releases its connection, then closes the
    channel, which tries to put the messages it holds back on the queue through the released
    connection: an AttributeError that kills the worker (kombu 5.7). Skipped, those messages
    stay in Redis's unacked set and come back by the broker's visibility timeout; reports and
    e-mails in them are sent sooner by the reconcilers."""
    from kombu.transport import redis as kombu_redis

    restore = kombu_redis.QoS.restore_unacked

    def restore_unacked(self, client=None):  # type: ignore[no-untyped-def]
        if client is None and self.channel.connection.client is None:
            return None
        return restore(self, client)

    kombu_redis.QoS.restore_unacked = restore_unacked  # type: ignore[method-assign]


_restore_unacked_while_connected()
