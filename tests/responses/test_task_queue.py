"""With the broker down, a page that queues work pays for one failed try, then none for a while:
the work waits in the database for the reconcilers."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from responses import task_queue
from responses.task_queue import task_send


class Task:
    def __init__(self, *, broker_up: bool) -> None:
        self.broker_up = broker_up
        self.sent: list[tuple[object, ...]] = []
        self.tries = 0

    def apply_async(self, *, args: tuple[object, ...], **options: object) -> None:
        self.tries += 1
        if not self.broker_up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(args)


def test_after_a_failed_send_the_broker_rests_then_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(task_queue.time, "monotonic", lambda: now[0])
    task = Task(broker_up=False)

    # Given a broker that is down: the first send tries and fails, the next ones do not try
    assert task_send(task, 1, what="report 1") is False
    assert [task_send(task, n, what=f"report {n}") for n in (2, 3)] == [False, False]
    assert task.tries == 1

    # Once the rest is over and the broker is back, work is sent again
    now[0] += task_queue.BROKER_REST_SECONDS
    task.broker_up = True
    assert task_send(task, 4, what="report 4") is True
    assert task.sent == [(4,)]


def test_a_broker_that_answers_takes_every_task() -> None:
    task = Task(broker_up=True)
    assert all(task_send(task, n, what=f"report {n}") for n in range(3))
    assert task.sent == [(0,), (1,), (2,)] and task.tries == 3
