"""The demo town's data: a jobcentre, three companies, jobs, candidates and proposals.

Names of companies and people are invented (see ../shared/JOURNEYS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from marketplace.models import Role, Weekday


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role


# Published in the README; seed-demo refuses non-SQLite databases unless told otherwise.
DEMO_PASSWORD = "smajob-demo-2026"  # noqa: S105


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


# The three citizens of ../shared/JOURNEYS.md and more; identities are invented.
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
    # Proposed twice over a month ago, declined and expired, nothing since: the stuck list's
    # candidate without a solution (marketplace.figures.stuck).
    {
        "case_reference": "RKSK-2024-0391",
        "full_name": "Karin Lauridsen",
        "phone": "26 27 28 29",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Køkken eller rengøring, gerne faste formiddage.",
        "wished_categories": ("kitchen", "cleaning"),
        "tasks_can_do": ("Opvask", "Rengøring"),
        "hours_min": Decimal(3),
        "hours_max": Decimal(8),
        "available_weekdays": TUE_THU,
        "postcode": "6950",
        "danish_level": "good",
    },
    # Three on Vestjysk Emballage's packing line: Sofie confirms their
    # hours together on Friday (journey 4). And one at Brugsen, where journey 5 happens.
    {
        "case_reference": "RKSK-2023-0612",
        "full_name": "Lone Pedersen",
        "phone": "22 33 44 55",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Pakning med faste opgaver, gerne formiddag.",
        "wished_categories": ("production", "warehouse"),
        "tasks_can_do": ("Pakke varer", "Sætte labels på"),
        "hours_min": Decimal(4),
        "hours_max": Decimal(10),
        "available_weekdays": int(Weekday.MON | Weekday.WED | Weekday.FRI),
        "postcode": "6880",
        "danish_level": "fluent",
    },
    {
        "case_reference": "RKSK-2024-0348",
        "full_name": "Kasper Thomsen",
        "phone": "26 27 28 29",
        "consultant": "mette.holm@jobcenter.example",
        "job_goal": "Produktion eller lager; vil gerne lære at folde og pakke.",
        "wished_categories": ("production",),
        "tasks_can_do": ("Folde kasser",),
        "hours_min": Decimal(4),
        "hours_max": Decimal(8),
        "available_weekdays": int(Weekday.MON | Weekday.WED | Weekday.FRI),
        "postcode": "6880",
        "danish_level": "good",
    },
    {
        "case_reference": "RKSK-2023-0789",
        "full_name": "Sanne Christensen",
        "phone": "28 29 30 31",
        "consultant": "mette.holm@jobcenter.example",
        "job_goal": "Pakning eller køkken, gerne mandag, onsdag og fredag.",
        "wished_categories": ("production", "kitchen"),
        "tasks_can_do": ("Pakke varer", "Opvask"),
        "hours_min": Decimal(3),
        "hours_max": Decimal(6),
        "available_weekdays": MON_WED_FRI,
        "postcode": "6880",
        "danish_level": "fluent",
    },
    {
        "case_reference": "RKSK-2022-0275",
        "full_name": "Henrik Jørgensen",
        "phone": "42 43 44 45",
        "consultant": "jonas.brandt@jobcenter.example",
        "job_goal": "Varer på hylder i en butik, tidligt om morgenen.",
        "wished_categories": ("retail", "warehouse"),
        "tasks_can_do": ("Fylde hylder", "Tjekke datoer"),
        "hours_min": Decimal(3),
        "hours_max": Decimal(10),
        "available_weekdays": TUE_THU,
        "postcode": "6900",
        "danish_level": "fluent",
    },
)


# (case reference, job title, what happened): proposals at every stage; the waiting one was
# sent so long ago that the company's reminder is due tomorrow, the unanswered one is past
# its reminder, and Karin's two, long ago, leave her without a solution (marketplace.demo.town).
PROPOSALS = (
    ("RKSK-2023-0456", "Kantinehjælp", "waiting"),
    ("RKSK-2024-0233", "Pakning ved pakkelinjen", "declined"),
    ("RKSK-2023-0789", "Kantinehjælp", "unanswered"),
    ("RKSK-2024-0391", "Kantinehjælp", "declined_long_ago"),
    ("RKSK-2024-0391", "Hjælp i planteskolen", "expired_long_ago"),
)


# (case reference, job title, stage): placements at every phase of the ladder; see
# marketplace.demo.placements for what each stage means.
PLACEMENTS = (
    ("RKSK-2022-0789", "Opfyldning af varer", "combined"),
    ("RKSK-2024-0117", "Hjælp i planteskolen", "praktik_offer_waiting"),
    ("RKSK-2024-0233", "Pakning af juletræer", "paid"),
    ("RKSK-2024-0233", "Kantinehjælp", "trial"),
    ("RKSK-2022-0789", "Pakning ved pakkelinjen", "pending"),
    ("RKSK-2023-0456", "Opfyldning af varer", "ended"),
    ("RKSK-2023-0612", "Pakning ved pakkelinjen", "paid_weeks"),
    ("RKSK-2024-0348", "Pakning ved pakkelinjen", "praktik_ending"),
    ("RKSK-2023-0789", "Pakning ved pakkelinjen", "paid_weeks"),
    ("RKSK-2022-0275", "Opfyldning af varer", "more_hours_due"),
)

# Journey 5: Henrik has worked the planned 3 hours a week at Brugsen since six weeks ago, every
# week confirmed, so Jonas is nudged to ask for more (marketplace.hours.more_hours).
MORE_HOURS_DUE = ("RKSK-2022-0275", "Opfyldning af varer", "3")

# Mølgaard Gartneri has confirmed none of Bent's last two weeks of praktik: the stuck list's
# placement without confirmed hours (marketplace.figures.stuck; praktik hours, so the paid
# figures stay as they are).
UNCONFIRMED = ("RKSK-2024-0117", "Hjælp i planteskolen")

# Journey 4's question about a week: Jonas asks, Sofie answers (marketplace.hours.flags).
FLAG = (
    "RKSK-2023-0612",
    "Onsdag står der kun 1 time. Stemmer det, eller mangler der timer?",
    "Det stemmer: pakkeriet lukkede tidligt onsdag på grund af vareoptælling.",
)


PITCHES = {
    "Opfyldning af varer": "Mange års erfaring fra lager; kender varer og datoer. Mødestabil.",
    "Kantinehjælp": "Glad for køkkenarbejde og vant til at anrette. Vil gerne lære mere dansk.",
    "Hjælp i planteskolen": "Vil gerne arbejde udenfor og er vant til at luge og vande.",
    "Pakning ved pakkelinjen": "Kan lide faste opgaver og arbejder grundigt.",
    "Pakning af juletræer": "Stærk til pakning og glad for at arbejde i et team.",
}
