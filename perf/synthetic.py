"""Synthetic answers for speed tests: random valid option choices for every scored question."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import repeat

import numpy as np

from scoring.bank import BankSpec, Kind, Scoring
from scoring.kpis import KPI_KEYS
from scoring.vectorised import ScoreMatrix, _layout_for


def random_codes(spec: BankSpec, count: int, seed: int) -> np.ndarray:
    """An encoded answer matrix (see scoring.vectorised) of `count` random valid responses."""
    layout = _layout_for(spec)
    rng = np.random.default_rng(seed)
    codes = np.zeros((count, layout.columns), dtype=np.uint8, order="F")
    for question_layout in layout.questions:
        options = question_layout.question.options
        first = question_layout.first_column
        if question_layout.question.kind == Kind.SINGLE:
            codes[:, first] = rng.integers(1, len(options) + 1, count)
            continue
        bits = _random_choices(rng, options, count)
        for column in range(question_layout.width):
            block = bits[:, 8 * column : 8 * column + 8]
            weights = 1 << np.arange(block.shape[1], dtype=np.uint16)
            codes[:, first + column] = (block * weights).sum(axis=1).astype(np.uint8)
    return codes


def _random_choices(rng: np.random.Generator, options, count: int) -> np.ndarray:
    exclusive = [i for i, option in enumerate(options) if option.exclusive]
    free = [i for i, option in enumerate(options) if not option.exclusive]
    bits = rng.integers(0, 2, (count, len(options)), dtype=np.uint8)
    bits[:, exclusive] = 0
    empty = ~bits.any(axis=1)
    bits[empty, rng.choice(free, int(empty.sum()))] = 1
    if exclusive:
        alone = rng.random(count) < 0.2
        bits[alone] = 0
        bits[alone, exclusive[0]] = 1
    return bits


def answers_json(spec: BankSpec, codes: np.ndarray) -> list[str]:
    """Encoded rows as stored answers' JSON (option codes by question number).

    Built from a few distinct texts per question rather than a dict per row: far fewer Python
    objects for 100,000 rows.
    """
    texts_by_question = []
    for question_layout in _layout_for(spec).questions:
        question = question_layout.question
        # The question's columns as one integer per row: its answer, whatever the width.
        combined = np.zeros(codes.shape[0], dtype=np.int64)
        for offset in range(question_layout.width):
            column = codes[:, question_layout.first_column + offset].astype(np.int64)
            combined |= column << (8 * offset)
        combined_list = combined.tolist()
        text_of = {
            value: f'"{question.number}": {json.dumps(_answer(question, value))}'
            for value in set(combined_list)
        }
        texts_by_question.append([text_of[value] for value in combined_list])
    return ["{" + ", ".join(texts) + "}" for texts in zip(*texts_by_question, strict=True)]


def _answer(question, combined: int) -> object:
    """A single question's option code, or a multi question's list of them (see answers_json)."""
    if question.kind == Kind.SINGLE:
        return question.options[combined - 1].code
    return [option.code for i, option in enumerate(question.options) if combined >> i & 1]


def floor_scores(spec: BankSpec, codes: np.ndarray):
    """The same integer arithmetic as scores_many in straight numpy: no checks, no wrappers."""
    layout = _layout_for(spec)
    count = codes.shape[0]
    overall_common = layout.overall_common
    pillars = len(layout.pillars)
    hundredths = np.empty((pillars, count), dtype=np.int64)
    overall = np.zeros(count, dtype=np.int64)
    for index, pillar in enumerate(layout.pillars):
        total = np.zeros(count, dtype=np.int64)
        for question in pillar.questions:
            tables = [np.asarray(table, dtype=np.int64) for table in question.tables]
            columns = [
                tables[c][codes[:, question.first_column + c]] for c in range(question.width)
            ]
            if question.question.scoring == Scoring.MAX:
                total += np.maximum.reduce(columns)
            else:
                for column in columns:
                    total += column
        denominator = pillar.common * pillar.required_weight
        hundredths[index] = (20000 * total + denominator) // (2 * denominator)
        overall += total * (overall_common // denominator)
    whole = pillars * overall_common
    overall_hundredths = (20000 * overall + whole) // (2 * whole)
    return hundredths, overall_hundredths


def store_completed_responses(spec: BankSpec, bank, count: int, seed: int) -> None:
    """Insert `count` completed, scored responses (the scores from scores_many) with COPY.

    PostgreSQL only, in one transaction. The ids come from the tables' sequences up front, so
    each table loads in one COPY with its keys. ANALYZE afterwards gives the planner the
    statistics autovacuum would gather after a bulk load (a server may run with it off).
    """
    from django.db import connection, transaction

    from responses.models import PillarScore, Response, ResponseScore
    from scoring.vectorised import encode_codes, scores_many

    if connection.vendor != "postgresql":
        raise ValueError("store_completed_responses loads with COPY: it needs PostgreSQL.")
    codes = random_codes(spec, count, seed)
    matrix = scores_many(spec=spec, encoded=encode_codes(spec=spec, codes=codes))
    with transaction.atomic(), connection.cursor() as cursor:
        _foreign_key_checks_skipped_if_allowed(cursor)
        response_ids = _ids_reserved(cursor, Response, count)
        score_ids = _ids_reserved(cursor, ResponseScore, count)
        _copy_responses(cursor, spec, bank, codes, response_ids)
        _copy_scores(cursor, spec, bank, matrix, score_ids, response_ids)
        _copy_pillars(cursor, spec, matrix, score_ids)
    with connection.cursor() as cursor:
        for model in (Response, ResponseScore, PillarScore):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


# The response columns both fills write (the pool's fill adds the benchmark flags).
RESPONSE_COLUMNS = (
    "id",
    "token",
    "public_id",
    "bank_id",
    "status",
    "answers",
    "email",
    "revision",
    "resume_link_sent_to",
    "region",
    "industry",
    "arr_band",
    "created_at",
    "updated_at",
    "completed_at",
)


def _copy_responses(cursor, spec: BankSpec, bank, codes: np.ndarray, ids: list[int]) -> None:
    from django.utils import timezone

    from responses.models import Response, new_response_token

    now = timezone.now()
    columns = (*RESPONSE_COLUMNS, "mail_domain", "organisation_key")
    rows = (
        (
            response_id,
            new_response_token(),
            new_response_token(),
            bank.pk,
            Response.Status.COMPLETED.value,
            answers,
            f"cs@r{row}.example",  # each response an organisation of its own
            0,
            "",
            "",
            "",
            "",
            now,
            now,
            now,
            f"r{row}.example",
            f"r{row}.example",
        )
        for row, (response_id, answers) in enumerate(
            zip(ids, answers_json(spec, codes), strict=True)
        )
    )
    _copy(cursor, Response, columns, rows)


def _copy_scores(
    cursor, spec: BankSpec, bank, matrix, ids: list[int], response_ids: list[int]
) -> None:
    from django.utils import timezone

    from responses.models import ResponseScore

    now = timezone.now()
    overall = matrix.overall_hundredths.tolist()
    buckets = [spec.buckets[index].key for index in matrix.overall_bucket_index.tolist()]
    columns = ("id", "response_id", "bank_id", "overall", "overall_bucket", "scored_at")
    rows = (
        (score_id, response_id, bank.pk, _decimal(overall[row]), buckets[row], now)
        for row, (score_id, response_id) in enumerate(zip(ids, response_ids, strict=True))
    )
    _copy(cursor, ResponseScore, columns, rows)


def _copy_pillars(cursor, spec: BankSpec, matrix, score_ids: list[int]) -> None:
    from responses.models import PillarScore

    scores = matrix.pillar_hundredths.tolist()
    buckets = matrix.pillar_bucket_index.tolist()
    columns = ("response_score_id", "pillar_key", "position", "score", "bucket")
    rows = (
        (
            score_id,
            key,
            column,
            _decimal(scores[row][column]),
            spec.buckets[buckets[row][column]].key,
        )
        for row, score_id in enumerate(score_ids)
        for column, key in enumerate(matrix.pillar_keys)
    )
    _copy(cursor, PillarScore, columns, rows)


def _foreign_key_checks_skipped_if_allowed(cursor) -> None:
    """Skip the foreign key checks, as pg_restore --disable-triggers does (superusers only).

    The keys are generated together, so the checks cannot fail; a million of them cost about
    4 s at commit.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _ids_reserved(cursor, model, count: int) -> list[int]:
    """`count` new ids from the table's identity sequence."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, model, columns: tuple[str, ...], rows) -> None:
    """COPY `rows` (values for `columns`) into the model's table.

    A NOT NULL column of the table that `columns` leave out and the database has no default for
    (one added after the caller was written) is filled with the model field's default, made per
    row as the ORM would (so a unique one, such as a token, stays unique). One without a default
    either stops the load with SetupError naming it, before any row is sent.
    """
    added = _defaults_for_left_out(cursor, model, columns)
    names = ", ".join(f'"{column}"' for column in (*columns, *added))
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        if not added:
            for row in rows:
                copy.write_row(row)
            return
        makers = list(added.values())
        for row in rows:
            copy.write_row((*row, *(make() for make in makers)))


def _defaults_for_left_out(cursor, model, columns: tuple[str, ...]) -> dict[str, Callable]:
    """Each NOT NULL column left out of `columns` that the table itself gives no value (no
    default, identity or generated value), with a function making the model field's default."""
    from django.db import connection

    from perf.survey_load import SetupError

    table = model._meta.db_table
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attnotnull AND NOT atthasdef AND attidentity = '' "
        "AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    left_out = [name for (name,) in cursor.fetchall() if name not in columns]
    fields = {field.column: field for field in model._meta.concrete_fields}
    no_default = [name for name in left_out if name not in fields or not fields[name].has_default()]
    if no_default:
        raise SetupError(
            f"COPY into {table} leaves out NOT NULL column(s) {', '.join(no_default)}, which "
            "have no default: add them to the columns perf/synthetic.py writes."
        )
    makers: dict[str, Callable] = {}
    for name in left_out:
        field = fields[name]
        if callable(field.default):
            makers[name] = partial(_default_value, field, connection)
        else:  # the same value for every row
            makers[name] = repeat(_default_value(field, connection)).__next__
    return makers


def _default_value(field, connection) -> object:
    return field.get_db_prep_save(field.get_default(), connection)


def _decimal(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


# --- A peer-benchmark population: completed responses, their scores and the pool they form ----

EMAIL_CASES = (str.lower, str.title, str.upper)  # how a repeat submission may spell the e-mail
PUBLIC_SHARE = 0.2  # of the people, those who answer from a public mailbox (gmail.com, …)
PUBLIC_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "gmx.de", "proton.me")
PEOPLE_PER_COMPANY = 1.6  # on average: colleagues of one company answer too
KPI_COLUMNS = KPI_KEYS  # the data below draws each of them in its own way
PEER_ROLES = ("region", "industry", "arr_band")
_DAY_US = 86_400_000_000


@dataclass(frozen=True, slots=True)
class PeerPopulation:
    """Synthetic completed responses as columns, one row per response in id order."""

    response_ids: np.ndarray  # int64
    person: np.ndarray  # int64: one per e-mail address, whatever its case
    organisation: np.ndarray  # int64: colleagues share one; a public mailbox is its own
    organisation_keys: list[str]  # by organisation number, as responses.organisations keys it
    emails: list[str]
    mail_domains: list[str]
    completed_at_us: np.ndarray  # int64, µs since the epoch
    excluded: np.ndarray  # bool: an admin took it out of the peer groups
    is_demo: np.ndarray  # bool
    profile: dict[str, tuple[np.ndarray, tuple[str, ...]]]  # role → (option index, option texts)
    matrix: ScoreMatrix
    kpi_hundredths: dict[str, np.ndarray]  # int64, 0 where unknown
    kpi_known: dict[str, np.ndarray]  # bool
    answers: list[str]  # stored answers' JSON

    @property
    def count(self) -> int:
        return len(self.response_ids)

    def pool_rows(self, since_us: int | None = None) -> np.ndarray:
        """Rows in the peer pool (SCORING.md §4): each organisation's latest counting response,
        by completion time and then id, never an excluded or a demo one, and only if completed
        at or after `since_us` (the window's start, µs since the epoch)."""
        counting = np.flatnonzero(~self.excluded & ~self.is_demo)
        organisation = self.organisation[counting]
        order = counting[
            np.lexsort((self.response_ids[counting], self.completed_at_us[counting], organisation))
        ]
        organisations = self.organisation[order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = organisations[1:] != organisations[:-1]
        latest = order[last]
        if since_us is None:
            return latest
        return latest[self.completed_at_us[latest] >= since_us]


def _addresses(
    rng: np.random.Generator, people: int
) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Each person's organisation number, e-mail (lower case), mail domain, and the keys of the
    organisations: a fifth answer from a public mailbox (each an organisation of one), the rest
    from company domains with about PEOPLE_PER_COMPANY colleagues each."""
    public = rng.random(people) < PUBLIC_SHARE
    workers = np.flatnonzero(~public)
    companies = max(1, int(len(workers) / PEOPLE_PER_COMPANY))
    company = rng.integers(0, companies, len(workers))
    organisation = np.empty(people, dtype=np.int64)
    organisation[workers] = company
    mailbox_people = np.flatnonzero(public)
    organisation[mailbox_people] = companies + np.arange(len(mailbox_people))
    keys = [f"org{c}.example" for c in range(companies)]
    domains = []
    emails = []
    for p, (is_public, org) in enumerate(zip(public.tolist(), organisation.tolist(), strict=True)):
        domain = PUBLIC_DOMAINS[p % len(PUBLIC_DOMAINS)] if is_public else keys[org]
        domains.append(domain)
        emails.append(f"person{p}@{domain}")
    keys.extend(emails[p] for p in mailbox_people.tolist())
    return organisation, emails, domains, keys


def peer_population(spec: BankSpec, count: int, seed: int) -> PeerPopulation:
    """`count` completed responses by about 0.88 × `count` people of about 0.6 × `count`
    organisations (colleagues of one company; a fifth of the people at public mailboxes, each
    an organisation of one): a repeat submission may spell the e-mail in another case and
    sometimes has its predecessor's very completion time (so the id decides); 1 % excluded by
    an admin, 0.5 % demo. Profiles are skewed like a real panel, scores come from random valid
    answers (scores_many), KPIs are sometimes unknown. Every completion is inside the default
    window (BENCHMARK_WINDOW_MONTHS, 24)."""
    from scoring.vectorised import encode_codes, scores_many

    rng = np.random.default_rng(seed)
    person, first = _people(rng, count)
    people_organisation, people_emails, people_domains, organisation_keys = _addresses(
        rng, int(person.max()) + 1
    )
    completed = _completion_times(rng, person, first)
    profile = _profiles(spec, rng, person)
    kpis, known, kpi_answers = _kpis(rng, count)
    codes = random_codes(spec, count, seed)
    emails = [
        EMAIL_CASES[case](people_emails[p]) if not is_first else people_emails[p]
        for p, is_first, case in zip(
            person.tolist(),
            first.tolist(),
            rng.choice(3, count, p=[0.4, 0.4, 0.2]).tolist(),
            strict=True,
        )
    ]
    return PeerPopulation(
        response_ids=np.arange(count, dtype=np.int64),  # replaced by the database's ids
        person=person,
        organisation=people_organisation[person],
        organisation_keys=organisation_keys,
        emails=emails,
        mail_domains=[people_domains[p] for p in person.tolist()],
        completed_at_us=completed,
        excluded=rng.random(count) < 0.01,
        is_demo=rng.random(count) < 0.005,
        profile=profile,
        matrix=scores_many(spec=spec, encoded=encode_codes(spec=spec, codes=codes)),
        kpi_hundredths=kpis,
        kpi_known=known,
        answers=_answers_with_profile(spec, codes, emails, profile, kpi_answers),
    )


def _people(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Who submitted each response, and whether it is that person's first."""
    people = max(1, int(count * 0.88))
    person = np.concatenate(
        [np.arange(people, dtype=np.int64), rng.integers(0, people, count - people)]
    )
    person = person[rng.permutation(count)]
    first = np.zeros(count, dtype=bool)
    first[np.unique(person, return_index=True)[1]] = True
    return person, first


def _completion_times(
    rng: np.random.Generator, person: np.ndarray, first: np.ndarray
) -> np.ndarray:
    """Over the last 23 months (inside the 24-month window); 2 % of repeat submissions share
    the first one's time exactly."""
    now_us = int(np.datetime64("now", "us").astype(np.int64))
    completed = now_us - rng.integers(0, 700 * _DAY_US, len(person))
    first_time = np.zeros(int(person.max()) + 1, dtype=np.int64)
    first_time[person[first]] = completed[first]
    same = ~first & (rng.random(len(person)) < 0.02)
    completed[same] = first_time[person[same]]
    return completed


# Share of respondents per option, in the bank's option order (regions: North America first;
# ARR bands: largest first, so most respondents sit in the small and middle bands).
_PROFILE_WEIGHTS = {
    "region": [0.46, 0.06, 0.29, 0.04, 0.15],
    "arr_band": [0.02, 0.03, 0.10, 0.12, 0.25, 0.18, 0.20, 0.10],
}


def _profiles(spec: BankSpec, rng: np.random.Generator, person: np.ndarray):
    """Each person's region, industry and ARR band (one per person), drawn with skew:
    industries by a Zipf-like law in the bank's order (Software and SaaS the most common)."""
    profile = {}
    people = int(person.max()) + 1
    for role in PEER_ROLES:
        question = spec.question_for_role(role)
        assert question is not None, f"the bank has no {role} question"
        texts = tuple(option.text for option in question.options)
        weights = np.asarray(
            _PROFILE_WEIGHTS.get(role) or [1 / (i + 1) ** 1.1 for i in range(len(texts))]
        )
        if len(weights) != len(texts):
            weights = np.ones(len(texts))
        per_person = rng.choice(len(texts), people, p=weights / weights.sum())
        profile[role] = (per_person[person], texts)
    return profile


def _kpis(rng: np.random.Generator, count: int):
    """KPIs in hundredths with their known masks, and the answers they come from (None when
    unknown): NRR, retention and NPS are typed as whole numbers; customers per CSM is
    customers ÷ CSMs, half up to 2 decimals, unknown when there are no CSMs."""
    nrr = np.clip(np.rint(rng.normal(104, 18, count)), 0, 300).astype(np.int64)
    retention = np.clip(np.rint(rng.normal(88, 9, count)), 0, 100).astype(np.int64)
    nps = np.clip(np.rint(rng.normal(32, 24, count)), -100, 100).astype(np.int64)
    customers = np.clip(np.rint(rng.lognormal(np.log(350), 1.4, count)), 1, 5_000_000)
    csms = np.rint(rng.lognormal(np.log(5), 1.0, count))
    csms[rng.random(count) < 0.04] = 0
    customers, csms = customers.astype(np.int64), csms.astype(np.int64)
    known = {
        "nrr": rng.random(count) >= 0.12,
        "retention": rng.random(count) >= 0.25,
        "nps": rng.random(count) >= 0.35,
        "customers_per_csm": csms > 0,
    }
    safe = np.maximum(csms, 1)
    kpis = {
        "nrr": nrr * 100,
        "retention": retention * 100,
        "nps": nps * 100,
        "customers_per_csm": np.where(csms > 0, (200 * customers + safe) // (2 * safe), 0),
    }
    answers = {
        "nrr": np.where(known["nrr"], nrr, -1),
        "retention": np.where(known["retention"], retention, -1),
        "nps": np.where(known["nps"], nps, 999),
        "customers": customers,
        "csms": csms,
    }
    return kpis, known, answers


def _answers_with_profile(spec: BankSpec, codes, emails, profile, kpi_answers) -> list[str]:
    """Stored answers: the random scored ones plus e-mail, profile and the KPIs' numbers."""
    numbers = {
        role: spec.question_for_role(role).number  # type: ignore[union-attr]
        for role in ("email", "region", "industry", "arr_band", *kpi_answers)
    }
    unknown = {"nrr": -1, "retention": -1, "nps": 999}
    columns = [[f'"{numbers["email"]}": "{email}"' for email in emails]]
    for role, (index, _) in profile.items():
        options = spec.question_for_role(role).options  # type: ignore[union-attr]
        code_texts = [f'"{numbers[role]}": {option.code}' for option in options]
        columns.append([code_texts[i] for i in index.tolist()])
    for role, values in kpi_answers.items():
        missing = unknown.get(role)
        columns.append(
            [f'"{numbers[role]}": {"null" if v == missing else v}' for v in values.tolist()]
        )
    extra = [", ".join(parts) for parts in zip(*columns, strict=True)]
    return [
        f"{scored[:-1]}, {more}}}"
        for scored, more in zip(answers_json(spec, codes), extra, strict=True)
    ]


def peer_population_store(spec: BankSpec, bank, population: PeerPopulation) -> dict[str, float]:
    """Store the population with COPY: responses, their scores and pillar scores, and the peer
    pool as `peer_pool_rebuild` would leave it (each e-mail's latest counting response, added
    at change 1; PoolState at 1 with the bank's pillar order). Returns each step's seconds.

    The ids come from the tables' sequences, as one block each, and are written into
    `population`. Indexes that back no constraint are dropped first and each built again after
    its table is loaded, as pg_restore does: one sorted build costs far less than millions of
    scattered inserts. Two connections load at once, each in one transaction: the pillar
    scores (eight rows per response) on one, everything else on the other, so that both of the
    server's cores work. Without the rights to skip foreign key checks the two run one after
    the other, the pillar scores once their parent rows are committed.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from benchmarks.models import PoolEntry
    from responses.models import PillarScore, Response, ResponseScore

    if connection.vendor != "postgresql":
        raise ValueError("peer_population_store loads with COPY: it needs PostgreSQL.")
    assert tuple(population.matrix.pillar_keys) == tuple(p.key for p in spec.pillars)
    steps: dict[str, float] = {}
    with connection.cursor() as cursor, _timer(steps, "reserve ids, drop plain indexes"):
        population.response_ids[:] = _id_block_reserved(cursor, Response, population.count)
        score_ids = _id_block_reserved(cursor, ResponseScore, population.count)
        models = (Response, ResponseScore, PillarScore, PoolEntry)
        indexes = _plain_indexes_dropped(cursor, [model._meta.db_table for model in models])
        parallel = _is_superuser(cursor)

    def the_rest(cursor) -> dict[str, float]:
        done: dict[str, float] = {}
        with _timer(done, "COPY survey_response"):
            _copy_population_responses(cursor, bank, population)
        with _timer(done, "COPY survey_responsescore"):
            _copy_population_scores(cursor, spec, bank, population, score_ids)
        with _timer(done, "COPY benchmarks_poolentry, PoolState"):
            _copy_pool(cursor, population)
            _pool_state_store(spec)
        with _timer(done, "CREATE INDEX on those three tables"):
            _indexes_created(cursor, indexes, exclude=PillarScore._meta.db_table)
        return done

    def pillar_scores(cursor) -> dict[str, float]:
        done: dict[str, float] = {}
        with _timer(done, "COPY survey_pillarscore"):
            _copy_population_pillars(cursor, spec, population, score_ids)
        with _timer(done, "CREATE INDEX on survey_pillarscore"):
            _indexes_created(cursor, indexes, only=PillarScore._meta.db_table)
        return done

    with ThreadPoolExecutor(max_workers=2 if parallel else 1) as pool:
        for done in pool.map(_loaded_in_one_transaction, (the_rest, pillar_scores)):
            steps.update(done)
    return steps


def _loaded_in_one_transaction(load) -> dict[str, float]:
    """Run `load(cursor)` in one transaction on this thread's own connection, then close it."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _foreign_key_checks_skipped_if_allowed(cursor)
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            return load(cursor)
    finally:
        connection.close()


@contextmanager
def _timer(steps: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    steps[name] = time.perf_counter() - start


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _id_block_reserved(cursor, model, count: int) -> np.ndarray:
    """`count` consecutive new ids from the table's sequence, in one statement (no other
    session inserts into this benchmark's database meanwhile)."""
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
        [model._meta.db_table, model._meta.db_table, count],
    )
    last = int(cursor.fetchone()[0])
    return np.arange(last - count + 1, last + 1, dtype=np.int64)


def _plain_indexes_dropped(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """Drop the tables' indexes that back no constraint (committed at once, so that other
    connections can load the tables); returns each one's table and the statement making it."""
    cursor.execute(
        "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, "
        "pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    )
    found = cursor.fetchall()
    for _, name, _ in found:
        cursor.execute(f"DROP INDEX {name}")
    return [(table, definition) for table, _, definition in found]


def _indexes_created(
    cursor, indexes: list[tuple[str, str]], only: str | None = None, exclude: str | None = None
) -> None:
    for table, definition in indexes:
        if table != exclude and (only is None or table == only):
            cursor.execute(definition)


def _timestamps(microseconds: np.ndarray) -> list[str]:
    return np.datetime_as_string(microseconds.astype("datetime64[us]"), timezone="UTC").tolist()


def _copy_population_responses(cursor, bank, population: PeerPopulation) -> None:
    from responses.models import Response, new_response_token

    completed = _timestamps(population.completed_at_us)
    created = _timestamps(population.completed_at_us - 900_000_000)
    texts = {role: (index.tolist(), labels) for role, (index, labels) in population.profile.items()}
    region, industry, arr_band = (
        [labels[i] for i in index] for index, labels in (texts[r] for r in PEER_ROLES)
    )
    columns = (
        *RESPONSE_COLUMNS,
        "is_demo",
        "excluded_from_benchmarks",
        "mail_domain",
        "organisation_key",
    )
    keys = population.organisation_keys
    rows = zip(
        population.response_ids.tolist(),
        (new_response_token() for _ in range(population.count)),
        (new_response_token() for _ in range(population.count)),
        repeat(bank.pk),
        repeat(Response.Status.COMPLETED.value),
        population.answers,
        population.emails,
        repeat(0),
        repeat(""),
        region,
        industry,
        arr_band,
        created,
        completed,
        completed,
        population.is_demo.tolist(),
        population.excluded.tolist(),
        population.mail_domains,
        (keys[organisation] for organisation in population.organisation.tolist()),
    )
    _copy(cursor, Response, columns, rows)


def _copy_population_scores(cursor, spec: BankSpec, bank, population, score_ids) -> None:
    from responses.models import ResponseScore

    matrix = population.matrix
    bucket_keys = [bucket.key for bucket in spec.buckets]
    scored = _timestamps(population.completed_at_us)
    kpis = [
        _decimal_texts(population.kpi_hundredths[key], population.kpi_known[key])
        for key in KPI_COLUMNS
    ]
    columns = (
        "id",
        "response_id",
        "bank_id",
        "overall",
        "overall_bucket",
        *KPI_COLUMNS,
        "scored_at",
    )
    rows = zip(
        score_ids.tolist(),
        population.response_ids.tolist(),
        repeat(bank.pk),
        _decimal_texts(matrix.overall_hundredths),
        [bucket_keys[i] for i in matrix.overall_bucket_index.tolist()],
        *kpis,
        scored,
    )
    _copy(cursor, ResponseScore, columns, rows)


def _copy_population_pillars(cursor, spec: BankSpec, population, score_ids) -> None:
    from responses.models import PillarScore

    matrix = population.matrix
    pillars = len(matrix.pillar_keys)
    bucket_keys = [bucket.key for bucket in spec.buckets]
    columns = ("response_score_id", "pillar_key", "position", "score", "bucket")
    rows = zip(
        np.repeat(score_ids, pillars).tolist(),
        matrix.pillar_keys * population.count,
        list(range(pillars)) * population.count,
        _decimal_texts(matrix.pillar_hundredths.ravel()),
        [bucket_keys[i] for i in matrix.pillar_bucket_index.ravel().tolist()],
        strict=True,
    )
    _copy(cursor, PillarScore, columns, rows)


def _copy_pool(cursor, population: PeerPopulation) -> None:
    from benchmarks.models import PoolEntry

    rows_in = population.pool_rows()  # all inside the default window
    labels = {
        role: [texts[i] for i in index[rows_in].tolist()]
        for role, (index, texts) in population.profile.items()
    }
    pillars = population.matrix.pillar_hundredths[rows_in].tolist()
    kpis = [
        [
            value if known else None
            for value, known in zip(
                population.kpi_hundredths[key][rows_in].tolist(),
                population.kpi_known[key][rows_in].tolist(),
                strict=True,
            )
        ]
        for key in KPI_COLUMNS
    ]
    columns = (
        "response_id",
        "organisation_key",
        "industry",
        "arr_band",
        "region",
        "overall",
        "pillars",
        *KPI_COLUMNS,
        "completed_at",
        "added_seq",
    )
    keys = population.organisation_keys
    rows = zip(
        population.response_ids[rows_in].tolist(),
        [keys[organisation] for organisation in population.organisation[rows_in].tolist()],
        labels["industry"],
        labels["arr_band"],
        labels["region"],
        population.matrix.overall_hundredths[rows_in].tolist(),
        [f"[{', '.join(map(str, row))}]" for row in pillars],
        *kpis,
        _timestamps(population.completed_at_us[rows_in]),
        repeat(1),
    )
    _copy(cursor, PoolEntry, columns, rows)


def _pool_state_store(spec: BankSpec) -> None:
    """The pool's state as a rebuild under today's settings leaves it (so the first comparison
    finds nothing to rebuild): rule, window and pillar order."""
    from django.conf import settings
    from django.utils import timezone

    from benchmarks.models import PoolState
    from benchmarks.pool import window_start
    from responses.organisation_keys import organisation_rules

    PoolState.objects.update_or_create(
        pk=1,
        defaults={
            "seq": 1,
            "rebuilt_seq": 1,
            "pruned_seq": 1,
            "include_demo": False,
            "pillar_keys": [pillar.key for pillar in spec.pillars],
            "organisation_rules": organisation_rules().as_json(),
            "window_months": settings.BENCHMARK_WINDOW_MONTHS,
            "window_start": window_start(timezone.now(), settings.BENCHMARK_WINDOW_MONTHS),
        },
    )


def _decimal_texts(hundredths: np.ndarray, known: np.ndarray | None = None) -> list[str | None]:
    """Hundredths as the decimal texts COPY reads ("61.13", "-5.00"); None where unknown.

    A table of every text in the range when it is short (scores: 10,001 texts for 8,000,000
    values), one format per value otherwise.
    """
    values = hundredths.tolist()
    low, high = (int(hundredths.min()), int(hundredths.max())) if len(values) else (0, 0)
    if high - low <= 200_000:
        table = [_decimal_text(v) for v in range(low, high + 1)]
        texts: list[str | None] = [table[v - low] for v in values]
    else:
        texts = [_decimal_text(v) for v in values]
    if known is not None:
        texts = [
            text if is_known else None for text, is_known in zip(texts, known.tolist(), strict=True)
        ]
    return texts


def _decimal_text(hundredths: int) -> str:
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{cents:02d}"
