"""Demo data: a believable small town in Vestjylland (see ../shared/JOURNEYS.md).

Idempotent: every row is looked up by its natural key first, so running it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.auth.passwords import hash_password
from marketplace.auth.signup import tell_the_jobcentre
from marketplace.extensions import db
from marketplace.models import Company, Jobcentre, OrgKind, Role, User

# Published in the README; seed-demo refuses non-SQLite databases unless told otherwise.
DEMO_PASSWORD = "smajob-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role


JOBCENTRE = {"name": "Jobcenter Ringkøbing-Skjern", "municipality_code": 760}
JOBCENTRE_USERS = (
    DemoUser("lars.vinther@jobcenter.example", "Lars Vinther", Role.ADMIN),
    DemoUser("jonas.brandt@jobcenter.example", "Jonas Brandt", Role.CONSULTANT),
    DemoUser("mette.holm@jobcenter.example", "Mette Holm", Role.CONSULTANT),
)
COMPANIES = (
    (
        {
            "name": "Brugsen Skjern",
            "cvr": "12345674",
            "address": "Storegade 12",
            "postcode": "6900",
            "city": "Skjern",
            "municipality_code": 760,
            "employee_count": 14,
        },
        DemoUser("hanne@brugsen-skjern.example", "Hanne Kjær", Role.EMPLOYER),
    ),
    (
        {
            "name": "Mølgaard Gartneri",
            "cvr": "31987652",
            "address": "Vesterlundvej 4",
            "postcode": "6950",
            "city": "Ringkøbing",
            "municipality_code": 760,
            "employee_count": 6,
        },
        DemoUser("per@moelgaard-gartneri.example", "Per Mølgaard", Role.EMPLOYER),
    ),
    (
        {
            "name": "Vestjysk Emballage A/S",
            "cvr": "40561234",
            "address": "Industrivej 21",
            "postcode": "6880",
            "city": "Tarm",
            "municipality_code": 760,
            "employee_count": 120,
        },
        DemoUser("sofie.lund@vestjysk-emballage.example", "Sofie Lund", Role.EMPLOYER),
    ),
)


def _ensure_user(organisation_id: int, kind: OrgKind, demo: DemoUser, password_hash: str) -> bool:
    if db.session.scalar(select(User.id).where(User.email == demo.email)) is not None:
        return False
    db.session.add(
        User(
            organisation_id=organisation_id,
            org_kind=kind.value,
            role=demo.role.value,
            email=demo.email,
            name=demo.name,
            password_hash=password_hash,
            locale="da",
        )
    )
    return True


def seed_demo() -> int:
    """Add whatever demo rows are missing; returns how many rows were added. Flushes only."""
    added = 0
    password_hash = hash_password(DEMO_PASSWORD)
    jobcentre = db.session.scalar(
        select(Jobcentre).where(Jobcentre.municipality_code == JOBCENTRE["municipality_code"])
    )
    if jobcentre is None:
        jobcentre = Jobcentre(**JOBCENTRE)
        db.session.add(jobcentre)
        db.session.flush()
        added += 1
    for demo in JOBCENTRE_USERS:
        added += _ensure_user(jobcentre.id, OrgKind.JOBCENTRE, demo, password_hash)
    for fields, employer in COMPANIES:
        company = db.session.scalar(select(Company).where(Company.cvr == fields["cvr"]))
        if company is None:
            company = Company(**fields)
            db.session.add(company)
            db.session.flush()
            tell_the_jobcentre(company)  # Lars finds them among his notifications
            added += 1
        added += _ensure_user(company.id, OrgKind.COMPANY, employer, password_hash)
    db.session.flush()
    return added
