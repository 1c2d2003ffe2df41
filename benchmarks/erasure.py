"""The peer pool's part of erasing responses (responses.erasure): their entries go, closed ones
too, and the pool moves on as if they had never been in it."""

from __future__ import annotations

from benchmarks.models import PoolEntry
from benchmarks.services import peer_pool_sync, pool_entries_forget
from responses.erasure import ErasurePart
from responses.models import Response


def pool_erasure_step(response_ids: list[int]) -> ErasurePart:
    entry_ids = list(
        PoolEntry.objects.filter(response_id__in=response_ids).values_list("pk", flat=True)
    )
    organisations = set(
        Response.objects.filter(pk__in=response_ids).values_list("organisation_key", flat=True)
    )

    def after() -> None:
        # The organisations' entries follow their remaining responses (a colleague's, or none);
        # then the erased ones' rows, closed now, are deleted outright.
        peer_pool_sync(organisation_keys=organisations)
        pool_entries_forget(entry_ids=entry_ids, organisation_keys=organisations)

    return ErasurePart(after=after)
