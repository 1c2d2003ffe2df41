import pytest
from django.utils.html import escape

from benchmarks.models import ResponseBenchmark
from benchmarks.services import benchmark_compute
from responses.models import OrganisationJoin, Response
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


def test_an_admin_join_makes_two_domains_one_organisation_in_the_next_comparison(
    spec, admin_client
):
    for number in range(5):
        complete(spec, f"cs@p{number}.example")
    complete(spec, "ann@acme.co.uk")
    me = complete(spec, "bob@acme.com")
    before = benchmark_compute(response=me)
    assert before is not None and before.pool_size == 6  # acme.co.uk counted as a peer

    page = admin_client.post(
        "/admin/responses/organisationjoin/add/",
        {"domain": " ACME.co.uk. ", "joined_into": "Acme.com", "note": "UK arm"},
        follow=True,
    )

    assert "being rebuilt" in page.content.decode()
    assert OrganisationJoin.objects.get().domain == "acme.co.uk"
    after = benchmark_compute(response=me)
    assert after is not None and after.pool_size == 5  # a colleague now: never a peer
    assert Response.objects.get(email="ann@acme.co.uk").organisation_key == "acme.com"

    admin_client.post(
        f"/admin/responses/organisationjoin/{OrganisationJoin.objects.get().pk}/delete/",
        {"post": "yes"},
    )
    again = benchmark_compute(response=me)
    assert again is not None and again.pool_size == 6
    assert Response.objects.get(email="ann@acme.co.uk").organisation_key == "acme.co.uk"


@pytest.mark.parametrize(
    ("domain", "into", "message"),
    [
        ("acme.com", "ACME.com.", "acme.com cannot be joined to itself."),
        ("acme.com", "acme.co.uk", "go round in a loop: acme.com → acme.co.uk → acme.com"),
        ("gmail.com", "acme.com", "gmail.com is a public mailbox domain"),
        ("acme..com", "acme.com", "“acme..com” is not a valid mail domain."),
    ],
)
def test_a_join_to_itself_in_a_loop_or_of_a_public_mailbox_is_refused_by_name(
    db, admin_client, domain, into, message
):
    OrganisationJoin.objects.create(domain="acme.co.uk", joined_into="acme.com")

    page = admin_client.post(
        "/admin/responses/organisationjoin/add/", {"domain": domain, "joined_into": into}
    )

    assert page.status_code == 200  # the form again, with what was typed
    assert escape(message) in page.content.decode()
    assert OrganisationJoin.objects.count() == 1


def test_an_international_domain_is_stored_in_its_idna_form(db, admin_client):
    admin_client.post(
        "/admin/responses/organisationjoin/add/",
        {"domain": "Bücher.de", "joined_into": "buecher-gruppe.de"},
    )

    assert OrganisationJoin.objects.get().domain == "xn--bcher-kva.de"
