"""What each maturity bucket looks like, pillar by pillar, in words a CS leader recognises.

The Conquering descriptions follow the CSPI method's own examples of the "ultimate Conqueror
state" in each pillar; the lower buckets describe the answer ladders of the default bank. A
pillar key without its own words falls back to the general meaning of the bucket.
"""

from __future__ import annotations

GENERAL = {
    "undeveloped": "The basics are not yet in place.",
    "emerging": "First practices exist, but they depend on individuals.",
    "expanding": "Practices are documented, shared and measured across teams.",
    "conquering": "Best in class: the practice is built into how the whole company works.",
}

BY_PILLAR: dict[str, dict[str, str]] = {
    "alignment": {
        "undeveloped": "Customer Success has no seat at the table: front-line CSMs without a "
        "manager, run as a cost center, with little say in how Product, Sales, Marketing or "
        "Finance treat customers.",
        "emerging": "A CS manager reports into another discipline; some company processes "
        "(product feedback, renewals) take customers into account, but CS is not measured on "
        "revenue.",
        "expanding": "A CS director or VP sits on the leadership team, CS is measured by Net "
        "Revenue Retention, and other teams share accountability for churn and satisfaction.",
        "conquering": "CS influences operations and compensation company-wide, aligning every "
        "team around customer success through a Chief Revenue Officer or Chief Customer Officer.",
    },
    "team": {
        "undeveloped": "A single CSM or a few generalists handle customers as they come, with no "
        "operations support.",
        "emerging": "A group of CSMs covers onboarding and account management; operations work "
        "(CRM, CS platform) sits elsewhere.",
        "expanding": "A CS team with distinct roles covers training, up-sell and cross-sell, and "
        "runs some of its own operations, such as platform administration or analytics.",
        "conquering": "The team is organised around customer goals and provides services spanning "
        "account management, implementation, onboarding, training, support, marketing and "
        "analytics.",
    },
    "segmentation": {
        "undeveloped": "All customers are treated alike: without segments, coverage and goals "
        "cannot differ from one customer to another.",
        "emerging": "Customers fall into more than one segment, used for a few internal decisions "
        "such as analysing data.",
        "expanding": "Customers are segmented by contract value, and segments drive headcount, "
        "metrics and the level of engagement (high-touch or low-touch).",
        "conquering": "Customers are seen from the outside in and segmented around common goals; "
        "segments prescribe each customer's journey and inform strategic decisions.",
    },
    "playbook": {
        "undeveloped": "No standardised processes: each CSM works their own way, and business "
        "objectives come up only after implementation.",
        "emerging": "Documented processes exist for CSMs; customers' business objectives are "
        "discussed during implementation.",
        "expanding": "Documented processes are followed company-wide, and business objectives "
        "are agreed at the kickoff meeting.",
        "conquering": "A documented playbook covers the entire customer journey and is used by "
        "partners; business objectives are set during the sales cycle.",
    },
    "resources": {
        "undeveloped": "Customers find little beyond the website; nobody owns or markets "
        "customer resources.",
        "emerging": "A knowledge base and some content exist, managed by other departments; "
        "customer milestones are celebrated internally.",
        "expanding": "CS has dedicated people for resources and marketing; customers get health "
        "checks, user meetings and an implementation guide, and milestones are celebrated with "
        "them.",
        "conquering": "A vibrant, managed community serves specific customer goals and lifecycle "
        "stages, and customer milestones are celebrated with the world.",
    },
    "onboarding": {
        "undeveloped": "Engineers handle every setup, and customers have no self-service options.",
        "emerging": "CSMs cover technical setup, with free online training for customers who "
        "help themselves.",
        "expanding": "A dedicated services team runs onboarding, with paid classes, service "
        "packages and expert sessions for self-starters.",
        "conquering": "An implementation partner network uses your implementation playbook, and "
        "centres of excellence at customer sites support setup and future needs.",
    },
    "relationship": {
        "undeveloped": "CSMs engage when customers reach out, mostly about technical or billing "
        "questions.",
        "emerging": "CSMs engage on a regular schedule, around renewals and onboarding.",
        "expanding": "Engagement follows the playbook at set points in the journey, bringing best "
        "practices, benchmarks and fuller use of the product.",
        "conquering": "You agree with the customer's stakeholders how often to meet to improve "
        "their business, and track progress toward those goals together.",
    },
    "roi": {
        "undeveloped": "Value is not measured: there are no baselines, and what happens on a "
        "metric is up to each CSM.",
        "emerging": "A few metrics (NPS, tickets, logins) are tracked, with some usage baselines.",
        "expanding": "Usage by user and feature is measured against baselines, and struggling "
        "customers and champions trigger specific playbooks.",
        "conquering": "Baselines are set around customer-defined goals, stakeholders see how they "
        "perform against them, and predictive models tie every metric to renewal.",
    },
}


def bucket_meaning(pillar_key: str, bucket_key: str) -> str:
    return BY_PILLAR.get(pillar_key, {}).get(bucket_key) or GENERAL.get(bucket_key, "")
