from benchmarks.models import ResponseBenchmark
from tests.benchmarks.test_pool_service import complete


def test_staff_compare_a_response_again_and_keep_the_earlier_numbers(spec, admin_client):
    people = [complete(spec, f"cs@p{number}.example") for number in range(6)]
    first = ResponseBenchmark.objects.get(response=people[-1])  # 5 peers then
    complete(spec, "later@example.com")

    page = admin_client.post(
        "/admin/benchmarks/responsebenchmark/",
        {"action": "compute_again", "_selected_action": [first.pk]},
        follow=True,
    )

    assert "Compared 1 response(s) again" in page.content.decode()
    stored = ResponseBenchmark.objects.filter(response=people[-1])
    assert stored.count() == 2
    assert [b.pool_size for b in stored.order_by("computed_at", "pk")] == [5, 6]
