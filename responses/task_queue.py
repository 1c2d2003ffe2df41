"""Handing work to the Celery workers without making a page wait on a broker that is down.

Everything queued here is also kept in the database (a pending report, a resume link owed, a
campaign ZIP asked for), and the reconcilers beat runs every minute queue what is still waiting.
So a send that fails costs nothing but time, and after one failure this process sends nothing
for BROKER_REST_SECONDS: with Redis down, each page save would otherwise wait on the broker
(about 0.6 s with Celery's default retries), and the pages' queue would grow behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

logger = logging.getLogger(__name__)

BROKER_REST_SECONDS = 5.0
# One quick second try for a connection that dropped; a broker that is down fails at once.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


class _Broker:
    lock = threading.Lock()
    down_until = 0.0


def task_send(task: Any, *args: object, what: str) -> bool:
    """Queue `task(*args)`. False when it was not sent: the broker failed now or just before.
    `what` names the work in the log ("report 12")."""
    if time.monotonic() < _Broker.down_until:
        return False
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except Exception:
        with _Broker.lock:
            _Broker.down_until = time.monotonic() + BROKER_REST_SECONDS
        logger.warning("Could not queue %s; it waits for the reconciler", what, exc_info=True)
        return False
    return True


def task_queue_forget() -> None:
    """Try the broker again at once (as a new process would)."""
    _Broker.down_until = 0.0
