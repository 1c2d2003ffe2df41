"""A consultant's round, in a real browser with a real worker: brand the workspace, open a
campaign with reminders, invite three people; two answer (one in the browser through the personal
link); days pass and the third is reminded; the branded PDF cover is read back; a respondent
downloads, then erases, their data and the campaign page shows it gone."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from consultants.accounts import consultant_create
from consultants.tasks import reconcile_invitations
from responses.models import Invitation, Response
from responses.task_queue import task_send
from survey.services import response_complete
from tests.browser.conftest import start_assessment
from tests.browser.test_bank_curation_in_browser import looked_at
from tests.browser.test_team_in_browser import answer_all
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.answering import CONSENT, stored_form
from tests.worker import queue_purge, running_worker, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESSES = ["ana@acme.example", "bo@acme.example", "cy@acme.example"]


def invitation(address: str) -> Invitation:
    return Invitation.objects.select_related("response").get(email=address)


def test_a_consultant_brands_invites_reminds_and_a_respondent_erases(
    new_page, spec, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    consultant = consultant_create(email="ann@north.example")
    consultant.set_password("a-long-pass-phrase-42")
    consultant.save()
    logo = tmp_path / "logo.png"
    Image.new("RGB", (160, 48), (11, 95, 90)).save(logo, format="PNG")
    queue_purge()
    with running_worker(tmp_path) as worker:
        desk = new_page()
        desk.goto("/workspace/")
        desk.get_by_label("E-mail address").fill("ann@north.example")
        desk.get_by_label("Password").fill("a-long-pass-phrase-42")
        desk.get_by_role("button", name="Sign in").click()

        desk.get_by_role("link", name="Profile and branding").click()
        desk.get_by_label("Your name, as respondents see it").fill("Ann Advisor")
        desk.get_by_label("Firm").fill("North & Co")
        desk.get_by_label("Logo").set_input_files(str(logo))
        desk.get_by_label("Accent colour").fill("#0B5F5A")
        desk.get_by_role("button", name="Save").click()
        expect(desk.get_by_text("Your profile and branding are saved.")).to_be_visible()
        expect(desk.get_by_role("img", name="Your current logo")).to_be_visible()
        looked_at(desk, "workspace-profile")

        desk.get_by_role("link", name="Your campaigns").click()
        desk.get_by_role("link", name="New campaign").click()
        desk.get_by_label("Client name").fill("Acme")
        desk.get_by_label("Remind invited people who have not finished every … days").fill("3")
        desk.get_by_role("button", name="Create campaign and get its link").click()
        desk.get_by_role("link", name="Edit").click()
        expect(desk.get_by_label("At most … reminders to each")).to_have_value("2")
        looked_at(desk, "workspace-campaign-edit")
        desk.go_back()
        desk.get_by_label("E-mail addresses to invite").fill(", ".join(ADDRESSES) + ", nobody")
        desk.get_by_role("button", name="Invite").click()
        expect(desk.get_by_text("Invited 3 addresses")).to_be_visible()
        expect(desk.get_by_text("Not e-mail addresses: nobody.")).to_be_visible()
        for address in ADDRESSES:  # the worker sends the invitations
            assert wait_for(lambda a=address: invitation(a).sent_at is not None), worker.log_tail()

        # Ana answers on her phone through her personal link, on the consultant's branded pages.
        ana = new_page(width=390, height=844)
        ana.goto(f"/i/{invitation('ana@acme.example').token}/")
        expect(ana.get_by_text("Asked for by Ann Advisor, North & Co for Acme.")).to_be_visible()
        expect(ana.get_by_role("img", name="North & Co")).to_be_visible()
        looked_at(ana, "campaign-landing-branded-phone")
        start_assessment(ana)
        answer_all(ana, spec, {**EXAMPLE_A, 3: "ana@acme.example"})
        # Bo answers too (through his link, answers filled in as the survey would).
        Client().post(f"/i/{invitation('bo@acme.example').token}/start/", CONSENT)
        bo = invitation("bo@acme.example").response
        assert bo is not None
        Response.objects.filter(pk=bo.pk).update(
            answers=stored_form(spec, {**EXAMPLE_B, 3: "bo@acme.example"})
        )
        assert response_complete(response=bo).completed_now

        # Four days pass: the reconciler reminds only Cy, who has not answered.
        Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))
        task_send(reconcile_invitations, what="invitations reconcile")
        assert wait_for(lambda: invitation("cy@acme.example").reminders_sent == 1)
        assert [invitation(a).reminders_sent for a in ADDRESSES[:2]] == [0, 0]

        desk.reload()
        expect(desk.get_by_text("Invited 3 · started 2 · finished 2.")).to_be_visible()
        cy_row = desk.get_by_role("row", name="cy@acme.example")
        expect(cy_row).to_contain_text("Invited")
        expect(cy_row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^1 \(last \d+ \w+\)$"))
        looked_at(desk, "workspace-campaign-invitations")

        # The branded cover of Ana's PDF, rendered by the worker.
        ana_row = desk.get_by_role("row", name="ana@acme.example").filter(has_text="Completed")
        pdf_link = ana_row.get_by_role("link", name="Download PDF")
        for _ in range(60):
            if pdf_link.count():
                break
            desk.wait_for_timeout(1000)
            desk.reload()
        with desk.expect_download() as download:
            pdf_link.click()
        pdf = download.value.path().read_bytes()
        (tmp_path / "cover.pdf").write_bytes(pdf)
        cover = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "Assessment run by Ann Advisor, North & Co, for Acme" in cover

        # Ana downloads her data, then erases it; the campaign page shows her gone.
        ana.get_by_role("link", name="Your data").click()
        with ana.expect_download() as download:
            ana.get_by_role("link", name="Download my data (JSON)").click()
        mine = json.loads(download.value.path().read_text(encoding="utf-8"))
        assert mine["response"]["campaign"]["client"] == "Acme"
        ana.get_by_label("I understand that everything of this assessment is erased").check()
        ana.get_by_role("button", name="Erase my data").click()
        expect(ana.get_by_role("heading", name="Your data was erased")).to_be_visible()

        desk.reload()
        expect(desk.get_by_role("row", name="ana@acme.example")).to_have_count(0)
        expect(desk.get_by_text("Invited 2 · started 1 · finished 1.")).to_be_visible()
        phone_desk = new_page(width=390, height=844)
        phone_desk.context.add_cookies(desk.context.cookies())
        phone_desk.goto(desk.url)
        looked_at(phone_desk, "workspace-campaign-phone-after-erasure")
        phone_desk.goto("/workspace/profile/")
        looked_at(phone_desk, "workspace-profile-phone")
