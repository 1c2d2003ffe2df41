"""What each maturity bucket looks like, pillar by pillar, in words a CS leader recognises.

The Conquering descriptions follow the CSPI method's own examples of the "ultimate Conqueror
state" in each pillar; the lower buckets describe the answer ladders of the default bank. A
pillar key without its own words falls back to the general meaning of the bucket.
"""

from __future__ import annotations

from scoring.words import gettext, gettext_noop

# Marked for the catalogues, in English; `bucket_meaning` gives them in the reader's language.
GENERAL = {
    "undeveloped": gettext_noop("The basics are not yet in place."),
    "emerging": gettext_noop("First practices exist, but they depend on individuals."),
    "expanding": gettext_noop("Practices are documented, shared and measured across teams."),
    "conquering": gettext_noop(
        "Best in class: the practice is built into how the whole company works."
    ),
}

BY_PILLAR: dict[str, dict[str, str]] = {
    "alignment": {
        "undeveloped": gettext_noop(
            "Customer Success has no seat at the table: front-line CSMs without a "
            "manager, run as a cost center, with little say in how Product, Sales, Marketing or "
            "Finance treat customers."
        ),
        "emerging": gettext_noop(
            "A CS manager reports into another discipline; some company processes "
            "(product feedback, renewals) take customers into account, but CS is not measured on "
            "revenue."
        ),
        "expanding": gettext_noop(
            "A CS director or VP sits on the leadership team, CS is measured by Net "
            "Revenue Retention, and other teams share accountability for churn and satisfaction."
        ),
        "conquering": gettext_noop(
            "CS influences operations and compensation company-wide, aligning every "
            "team around customer success through a Chief Revenue Officer or Chief Customer "
            "Officer."
        ),
    },
    "team": {
        "undeveloped": gettext_noop(
            "A single CSM or a few generalists handle customers as they come, with no "
            "operations support."
        ),
        "emerging": gettext_noop(
            "A group of CSMs covers onboarding and account management; operations work "
            "(CRM, CS platform) sits elsewhere."
        ),
        "expanding": gettext_noop(
            "A CS team with distinct roles covers training, up-sell and cross-sell, and "
            "runs some of its own operations, such as platform administration or analytics."
        ),
        "conquering": gettext_noop(
            "The team is organised around customer goals and provides services spanning "
            "account management, implementation, onboarding, training, support, marketing and "
            "analytics."
        ),
    },
    "segmentation": {
        "undeveloped": gettext_noop(
            "All customers are treated alike: without segments, coverage and goals "
            "cannot differ from one customer to another."
        ),
        "emerging": gettext_noop(
            "Customers fall into more than one segment, used for a few internal decisions "
            "such as analysing data."
        ),
        "expanding": gettext_noop(
            "Customers are segmented by contract value, and segments drive headcount, "
            "metrics and the level of engagement (high-touch or low-touch)."
        ),
        "conquering": gettext_noop(
            "Customers are seen from the outside in and segmented around common goals; "
            "segments prescribe each customer's journey and inform strategic decisions."
        ),
    },
    "playbook": {
        "undeveloped": gettext_noop(
            "No standardised processes: each CSM works their own way, and business "
            "objectives come up only after implementation."
        ),
        "emerging": gettext_noop(
            "Documented processes exist for CSMs; customers' business objectives are "
            "discussed during implementation."
        ),
        "expanding": gettext_noop(
            "Documented processes are followed company-wide, and business objectives "
            "are agreed at the kickoff meeting."
        ),
        "conquering": gettext_noop(
            "A documented playbook covers the entire customer journey and is used by "
            "partners; business objectives are set during the sales cycle."
        ),
    },
    "resources": {
        "undeveloped": gettext_noop(
            "Customers find little beyond the website; nobody owns or markets customer resources."
        ),
        "emerging": gettext_noop(
            "A knowledge base and some content exist, managed by other departments; "
            "customer milestones are celebrated internally."
        ),
        "expanding": gettext_noop(
            "CS has dedicated people for resources and marketing; customers get health "
            "checks, user meetings and an implementation guide, and milestones are celebrated with "
            "them."
        ),
        "conquering": gettext_noop(
            "A vibrant, managed community serves specific customer goals and lifecycle "
            "stages, and customer milestones are celebrated with the world."
        ),
    },
    "onboarding": {
        "undeveloped": gettext_noop(
            "Engineers handle every setup, and customers have no self-service options."
        ),
        "emerging": gettext_noop(
            "CSMs cover technical setup, with free online training for customers who "
            "help themselves."
        ),
        "expanding": gettext_noop(
            "A dedicated services team runs onboarding, with paid classes, service "
            "packages and expert sessions for self-starters."
        ),
        "conquering": gettext_noop(
            "An implementation partner network uses your implementation playbook, and "
            "centres of excellence at customer sites support setup and future needs."
        ),
    },
    "relationship": {
        "undeveloped": gettext_noop(
            "CSMs engage when customers reach out, mostly about technical or billing questions."
        ),
        "emerging": gettext_noop(
            "CSMs engage on a regular schedule, around renewals and onboarding."
        ),
        "expanding": gettext_noop(
            "Engagement follows the playbook at set points in the journey, bringing best "
            "practices, benchmarks and fuller use of the product."
        ),
        "conquering": gettext_noop(
            "You agree with the customer's stakeholders how often to meet to improve "
            "their business, and track progress toward those goals together."
        ),
    },
    "roi": {
        "undeveloped": gettext_noop(
            "Value is not measured: there are no baselines, and what happens on a "
            "metric is up to each CSM."
        ),
        "emerging": gettext_noop(
            "A few metrics (NPS, tickets, logins) are tracked, with some usage baselines."
        ),
        "expanding": gettext_noop(
            "Usage by user and feature is measured against baselines, and struggling "
            "customers and champions trigger specific playbooks."
        ),
        "conquering": gettext_noop(
            "Baselines are set around customer-defined goals, stakeholders see how they "
            "perform against them, and predictive models tie every metric to renewal."
        ),
    },
}


def bucket_meaning(pillar_key: str, bucket_key: str) -> str:
    """What the bucket looks like in that pillar, in the reader's language ("" for a bucket key
    without words)."""
    meaning = BY_PILLAR.get(pillar_key, {}).get(bucket_key) or GENERAL.get(bucket_key, "")
    return gettext(meaning) if meaning else ""
