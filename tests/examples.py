"""SCORING.md's worked examples A and B as a respondent answers them: option texts, and
numbers as typed. Plain data, shared by the scoring tests (no Django) and the survey tests."""

from collections.abc import Mapping

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
