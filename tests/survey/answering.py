"""Test helpers that answer survey questions by option text, as a respondent would read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.test import Client

from scoring.bank import BankSpec, Kind
from survey.pages import survey_pages

# A complete, valid set of answers for the default bank, by question number and option text.
Answers = Mapping[int, str | list[str] | None]

EXAMPLE_A: dict[int, str | list[str] | None] = {
    1: "Ada Example",
    2: "VP of Customer Success",
    3: "ada@example.com",
    4: "Europe",
    5: "Software and SaaS",
    6: "B2B subscription (SaaS)",
    7: "$1M – $5M",
    8: "120",
    9: "2",
    10: "96",
    11: None,
    12: None,
    15: "No manager, just front-line CSMs",
    16: ["Customer needs are factored into our company's product development processes"],
    17: "Customer Success is a Cost Center",
    18: "Group of CSMs",
    19: ["Onboarding (Free)", "Account Management", "Customer Success Management"],
    20: ["None of these"],
    21: "We don't segment our customers",
    22: ["We don't use customer segments"],
    23: ["We don't have standardized customer success processes"],
    24: "At the new customer kickoff meeting",
    25: ["Website with white papers, case studies and webinars"],
    26: "Customer resources are managed by other departments",
    27: "No one markets to our customer base",
    28: "We celebrate internally",
    29: "Our CSMs cover technical setup and onboarding",
    30: ["Free online training for all users"],
    31: "Whenever they reach out to us",
    32: ["They have a technical question", "We are getting them to renew their agreement"],
    33: ["Net Promoter Score (NPS)", "Number of open tickets from your support system"],
    34: ["We don't establish any baselines"],
    35: ["(Re)actions are up to each CSM"],
}


# Example B of SCORING.md: an established CS organisation.
EXAMPLE_B: dict[int, str | list[str] | None] = {
    1: "Bo Example",
    2: "Chief Customer Officer",
    3: "bo@example.com",
    4: "North America",
    5: "Financial Services",
    6: "B2B subscription (SaaS)",
    7: "$100M – $500M",
    8: "2400",
    9: "30",
    10: "112",
    11: "91",
    12: "38",
    15: "Director or VP who serves on the company's leadership team",
    16: [
        "Our customer success team is accountable for metrics that are part of the company's "
        "business plan",
        "Our customer success team is responsible for driving selling opportunities within the "
        "existing customer base",
        "Customer needs are factored into our company's product development processes",
        "Our company's variable compensation plan is coordinated across teams",
    ],
    17: "Customer Success is measured by Net Revenue Retention",
    18: "CS team that includes operations roles",
    19: [
        "Onboarding (Free)",
        "Customer Training",
        "Account Management",
        "Up-sell and cross-sell",
        "Customer Success Management",
    ],
    20: [
        "CRM Administration",
        "Customer Success Platform Administration",
        "Predictive Analytics",
        "Process Design",
    ],
    21: "We have more than 1 customer segment and we segment by contract value",
    22: [
        "Analyzing customer data",
        "Determining headcount needs",
        "Setting metrics and goals",
        "Planning our level of engagement (high-touch, low-touch)",
    ],
    23: [
        "We have documented processes that all CSMs use",
        "We have documented processes that everybody in our company follows",
    ],
    24: "During the Sales cycle",
    25: [
        "Website with white papers, case studies and webinars",
        "A dedicated, searchable knowledgebase with solutions for specific problems",
        "An online community",
        "An implementation guide with tools, templates, and best practice guidelines",
    ],
    26: "Customer Success has 1 dedicated resource manager",
    27: "Marketing resources are managed by other departments",
    28: "We celebrate with the customer",
    29: "We have a dedicated services team (free or paid professional services)",
    30: [
        "Free online training for all users",
        "Paid training classes",
        'Periodic "Ask a guru" sessions available to all customers',
    ],
    31: "At various points in time based on our playbook",
    32: [
        "We are getting them to renew their agreement",
        "We want them to utilize our solution more fully",
        "We are providing them with best practices, customer stories or benchmarking data",
        "We are working together to set goals",
    ],
    33: [
        "Net Promoter Score (NPS)",
        "Login monitoring by user",
        "Specific features used by each user",
        "ROI based on usage",
    ],
    34: ["We measure baseline usage by segment", "We measure changes in feature usage"],
    35: [
        "We identify struggling customers as well as champions and have specific playbooks for them"
    ],
}


def option_code(spec: BankSpec, number: int, text: str) -> str:
    question = spec.question(number)
    assert question is not None
    return str(next(o.code for o in question.options if o.text == text))


def form_data(spec: BankSpec, page_number: int, answers: Answers, nav: str = "next") -> dict:
    """The POST body a browser sends for one page, given answers by option text."""
    data: dict[str, object] = {"step": str(page_number), "nav": nav}
    page = survey_pages(spec)[page_number - 1]
    for question in page.questions:
        if question.number not in answers:
            continue
        value = answers[question.number]
        key = f"q{question.number}"
        if value is None:
            data[f"{key}_unknown"] = "1"
        elif question.kind == Kind.MULTI:
            data[key] = [option_code(spec, question.number, text) for text in value]
        elif question.kind == Kind.SINGLE:
            data[key] = option_code(spec, question.number, str(value))
        else:
            data[key] = str(value)
    return data


def stored_form(spec: BankSpec, answers: Answers) -> dict[str, object]:
    """What the database should hold for those answers."""
    stored: dict[str, object] = {}
    for number, value in answers.items():
        question = spec.question(number)
        assert question is not None
        if value is None:
            stored[str(number)] = None
        elif question.kind == Kind.MULTI:
            stored[str(number)] = [int(option_code(spec, number, text)) for text in value]
        elif question.kind == Kind.SINGLE:
            stored[str(number)] = int(option_code(spec, number, str(value)))
        elif question.kind in (Kind.INTEGER, Kind.PERCENT):
            stored[str(number)] = int(str(value))
        else:
            stored[str(number)] = value
    return stored


def answer_all_pages(client: Client, token: str, spec: BankSpec, answers: Answers) -> Any:
    """Post every page in order; returns the last HTTP response."""
    replies = [
        client.post(f"/survey/{token}/page/{page.number}/", form_data(spec, page.number, answers))
        for page in survey_pages(spec)
    ]
    return replies[-1]
