"""Demo data: a believable small town in Vestjylland (see ../shared/JOURNEYS.md).

Idempotent: every row is looked up by its natural key first, so running it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.auth.passwords import hash_password
from marketplace.auth.signup import tell_the_jobcentre
from marketplace.candidates import CandidateData, create_candidate, set_status
from marketplace.companies import WorkplaceData, save_workplace
from marketplace.extensions import db
from marketplace.jobs import JobData, close_job, create_job, local_today
from marketplace.models import (
    CATEGORY_BITS,
    CandidateIdentity,
    CandidateStatus,
    CloseReason,
    Company,
    Job,
    Jobcentre,
    OrgKind,
    Role,
    User,
    Weekday,
    Workplace,
)

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


WORKPLACES = {
    "12345674": ("Brugsen Skjern, butikken", "1012345678", "Storegade 12", "6900", "Skjern"),
    "31987652": (
        "Mølgaard Gartneri, planteskolen",
        "1031987652",
        "Vesterlundvej 4",
        "6950",
        "Ringkøbing",
    ),
    "40561234": ("Vestjysk Emballage, pakkeriet", "1040561234", "Industrivej 21", "6880", "Tarm"),
}

TUE_THU = int(Weekday.TUE | Weekday.THU)
MON_WED_FRI = int(Weekday.MON | Weekday.WED | Weekday.FRI)

# (CVR, title, status, fields): a few jobs per company, in different states and categories.
JOBS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    (
        "12345674",
        "Opfyldning af varer",
        "published",
        {
            "category": "retail",
            "hours_per_week": Decimal(6),
            "weekdays": TUE_THU,
            "time_from": time(7),
            "time_to": time(10),
            "offers_trial_visit": True,
            "offers_paid_direct": True,
            "requires_heavy_lifting": True,
            "lifting_max_kg": 15,
            "requires_early_mornings": True,
            "danish_level": "basic",
            "description": (
                "Varer skal på hylderne, før butikken åbner."
                " Du arbejder sammen med en fast medarbejder."
            ),
            "task_lines": ("Fylde hylder op", "Tjekke datoer", "Rydde paller og pap"),
        },
    ),
    (
        "12345674",
        "Rengøring af personalerum",
        "draft",
        {
            "category": "cleaning",
            "hours_per_week": Decimal(2),
            "weekdays": int(Weekday.FRI),
            "time_from": time(14),
            "time_to": time(16),
            "offers_trial_visit": True,
            "description": "Personalerum og kontor gøres rent fredag eftermiddag.",
        },
    ),
    (
        "12345674",
        "Flaskeretur og pant",
        "closed",
        {
            "category": "retail",
            "hours_per_week": Decimal(3),
            "weekdays": int(Weekday.MON),
            "offers_trial_visit": True,
            "requires_standing": True,
        },
    ),
    (
        "31987652",
        "Hjælp i planteskolen",
        "published",
        {
            "category": "gardening",
            "hours_per_week": Decimal(8),
            "flexible_days": True,
            "offers_trial_visit": True,
            "offers_praktik": True,
            "requires_standing": True,
            "description": "Potning, vanding og ukrudt i drivhuse og på friland. Dagene aftales.",
            "task_lines": ("Potte planter om", "Vande", "Luge ukrudt"),
        },
    ),
    (
        "31987652",
        "Pakning af juletræer",
        "published",
        {
            "category": "warehouse",
            "hours_per_week": Decimal(10),
            "weekdays": int(Weekday.MON | Weekday.TUE | Weekday.WED),
            "time_from": time(8),
            "time_to": time(12),
            "offers_paid_direct": True,
            "requires_heavy_lifting": True,
            "lifting_max_kg": 20,
            "end_days": 40,
        },
    ),
    (
        "40561234",
        "Pakning ved pakkelinjen",
        "published",
        {
            "category": "production",
            "hours_per_week": Decimal(5),
            "weekdays": MON_WED_FRI,
            "time_from": time(8),
            "time_to": time(10),
            "offers_trial_visit": True,
            "offers_praktik": True,
            "offers_paid_direct": True,
            "requires_standing": True,
            "task_lines": ("Folde kasser", "Pakke varer", "Sætte labels på"),
        },
    ),
    (
        "40561234",
        "Kantinehjælp",
        "published",
        {
            "category": "kitchen",
            "hours_per_week": Decimal("4.5"),
            "weekdays": TUE_THU,
            "time_from": time(10, 30),
            "time_to": time(13),
            "offers_trial_visit": True,
            "danish_level": "basic",
            "task_lines": ("Anrette frokost", "Opvask"),
        },
    ),
    (
        "40561234",
        "Lagerhjælp ved varemodtagelse",
        "draft",
        {
            "category": "warehouse",
            "hours_per_week": Decimal(6),
            "weekdays": int(Weekday.THU),
            "offers_trial_visit": True,
            "requires_driving_licence": True,
        },
    ),
)


def _ensure_workplace(company: Company) -> tuple[Workplace, int]:
    found = db.session.scalar(select(Workplace).where(Workplace.company_id == company.id))
    if found is not None:
        return found, 0
    name, p_number, address, postcode, city = WORKPLACES[company.cvr]
    workplace = save_workplace(
        company,
        WorkplaceData(name, p_number, address, postcode, city, company.municipality_code),
    )
    return workplace, 1


def _ensure_jobs(company: Company, workplace: Workplace, author: User) -> int:
    added = 0
    for cvr, title, status, fields in JOBS:
        if cvr != company.cvr:
            continue
        exists_already = select(Job.id).where(Job.company_id == company.id, Job.title == title)
        if db.session.scalar(exists_already) is not None:
            continue
        values = dict(fields)
        end_days = values.pop("end_days", None)
        start = local_today() + timedelta(days=7)
        data = JobData(
            title=title,
            workplace_id=workplace.id,
            start_date=start,
            end_date=start + timedelta(days=end_days) if end_days else None,
            hourly_wage=Decimal("142.50"),
            agreement_wage=Decimal("135.00"),
            wage_agreement_name="Overenskomst for området",
            contact_name=author.name,
            **values,  # type: ignore[arg-type]
        )
        job = create_job(company, author, data, publish=status != "draft")
        if status == "closed":
            close_job(job, CloseReason.FILLED_ELSEWHERE, "Besat af en tidligere medarbejder.")
        added += 1
    return added


# The three citizens of ../shared/JOURNEYS.md and two more; identities are invented.
CANDIDATES: tuple[dict[str, object], ...] = (
    {
        "case_reference": "RKSK-2024-0117",
        "full_name": "Bent Madsen",
        "phone": "21 43 65 87",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Jeg vil gerne arbejde udenfor, gerne med planter eller i en have.",
        "wished_categories": ("gardening", "other"),
        "tasks_can_do": ("Luge og vande", "Feje og rydde op"),
        "hours_min": Decimal(4),
        "hours_max": Decimal(10),
        "available_weekdays": int(Weekday.MON | Weekday.TUE | Weekday.WED | Weekday.THU),
        "postcode": "6950",
        "danish_level": "fluent",
        "no_heavy_lifting": True,
        "lifting_max_kg": 10,
        "earlier_work": "Pedelmedhjælper på en skole for mange år siden.",
    },
    {
        "case_reference": "RKSK-2023-0456",
        "full_name": "Amira Haddad",
        "phone": "31 22 44 66",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Køkkenarbejde om formiddagen, fx i en kantine.",
        "wished_categories": ("kitchen", "cleaning"),
        "tasks_can_do": ("Anrette mad", "Opvask"),
        "hours_min": Decimal(3),
        "hours_max": Decimal(8),
        "available_weekdays": int(Weekday.TUE | Weekday.THU | Weekday.FRI),
        "available_times": "Kun formiddage",
        "postcode": "6880",
        "danish_level": "basic",
        "languages": "Arabisk, lidt engelsk",
        "no_early_mornings": True,
    },
    {
        "case_reference": "RKSK-2022-0789",
        "full_name": "Jens Kristiansen",
        "phone": "40 11 22 33",
        "consultant": "mette.holm@jobcenter.example",
        "job_goal": "Lager eller varer på hylder, som jeg har prøvet før.",
        "wished_categories": ("warehouse", "retail"),
        "tasks_can_do": ("Fylde hylder", "Pakke varer", "Truckcertifikat (gammelt)"),
        "hours_min": Decimal(3),
        "hours_max": Decimal(12),
        "available_weekdays": int(Weekday.TUE | Weekday.THU),
        "postcode": "6900",
        "danish_level": "fluent",
        "driving_licence": True,
        "max_hours_per_day": Decimal(4),
        "earlier_work": "Lagermedarbejder i 8 år.",
    },
    {
        "case_reference": "RKSK-2024-0233",
        "full_name": "Maria Sørensen",
        "phone": "50 60 70 80",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Pakning eller produktion, gerne faste opgaver.",
        "wished_categories": ("production", "warehouse"),
        "tasks_can_do": ("Pakke", "Folde kasser"),
        "hours_min": Decimal(5),
        "hours_max": Decimal(10),
        "available_weekdays": int(Weekday.MON | Weekday.WED | Weekday.FRI),
        "postcode": "6880",
        "danish_level": "good",
        "needs_quiet_surroundings": True,
    },
    {
        "case_reference": "RKSK-2021-0901",
        "full_name": "Peter Holm Nielsen",
        "phone": "60 70 80 90",
        "consultant": "mette.holm@jobcenter.example",
        "job_goal": "Rengøring, gerne om eftermiddagen.",
        "wished_categories": ("cleaning",),
        "hours_min": Decimal(2),
        "hours_max": Decimal(6),
        "available_weekdays": int(Weekday.FRI),
        "postcode": "6900",
        "danish_level": "fluent",
        "no_long_standing": True,
        "status": "paused",
    },
)


def _ensure_candidates(jobcentre: Jobcentre) -> int:
    added = 0
    for spec in CANDIDATES:
        values = dict(spec)
        reference = str(values["case_reference"])
        known = select(CandidateIdentity.candidate_id).where(
            CandidateIdentity.case_reference == reference
        )
        if db.session.scalar(known) is not None:
            continue
        consultant = db.session.scalar(select(User).where(User.email == values.pop("consultant")))
        status = values.pop("status", None)
        categories = values.pop("wished_categories")
        data = CandidateData(
            municipality_code=jobcentre.municipality_code,
            wished_categories=sum(CATEGORY_BITS[c] for c in categories),  # type: ignore[attr-defined]
            **values,  # type: ignore[arg-type]
        )
        candidate = create_candidate(consultant, data)
        if status:
            set_status(candidate, CandidateStatus(status))
        added += 1
    return added


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
    db.session.flush()
    added += _ensure_candidates(jobcentre)
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
        author = db.session.scalar(select(User).where(User.email == employer.email))
        workplace, new = _ensure_workplace(company)
        added += new + _ensure_jobs(company, workplace, author)
    db.session.flush()
    return added
