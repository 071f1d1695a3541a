"""The demo plan's content: NCCT's National Strategic Plan 2024–2028 as
demonstration data (institutions, provinces, pillars, objectives, the
indicators such plans use, activities), not NCCT's official plan or figures.
The facts behind it are summarised in docs/demo.md.
"""

import datetime
from dataclasses import dataclass

from indicators.models import (
    ActivityStatus,
    ReportState,
)
from plans.models import OrganisationKind, Role

PLAN_CODE = "NSP-2024-2028"


PLAN_NAME = "National Strategic Plan on Combating Human Trafficking 2024–2028"


# (guess) Composed from the Khmer for "strategic plan" and "human trafficking" (docs/demo.md).
PLAN_NAME_KM = "ផែនការយុទ្ធសាស្ត្រជាតិស្តីពីការប្រយុទ្ធប្រឆាំងអំពើជួញដូរមនុស្ស ២០២៤–២០២៨"


FIRST_YEAR, LAST_YEAR = 2024, 2028


# Quarters with approved figures, and the quarter whose reports are still in the
# workflow (some drafts, some submitted, some returned).
FIRST_APPROVED, LAST_APPROVED = "2024-Q1", "2026-Q2"


OPEN_PERIOD = "2026-Q3"


MINISTRIES = [
    ("MOI", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ"),
    ("MOJ", "Ministry of Justice", "ក្រសួងយុត្តិធម៌"),
    ("MOLVT", "Ministry of Labour and Vocational Training", "ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ"),
    (
        "MOSVY",
        "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
        "ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា",
    ),
    ("MOWA", "Ministry of Women's Affairs", "ក្រសួងកិច្ចការនារី"),  # (guess)
    ("MOEYS", "Ministry of Education, Youth and Sport", "ក្រសួងអប់រំ យុវជន និងកីឡា"),
    (
        "MFAIC",
        "Ministry of Foreign Affairs and International Cooperation",
        "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
    ),
    ("MOH", "Ministry of Health", "ក្រសួងសុខាភិបាល"),
    ("MOT", "Ministry of Tourism", "ក្រសួងទេសចរណ៍"),  # (guess)
    ("MINFO", "Ministry of Information", "ក្រសួងព័ត៌មាន"),  # (guess)
    ("MCFA", "Ministry of Culture and Fine Arts", "ក្រសួងវប្បធម៌ និងវិចិត្រសិល្បៈ"),  # (guess)
    ("MPTC", "Ministry of Posts and Telecommunications", "ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍"),  # (guess)
    ("MEF", "Ministry of Economy and Finance", "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ"),
    ("MOP", "Ministry of Planning", "ក្រសួងផែនការ"),  # (guess)
]


INSTITUTIONS = [
    (
        "AHTJP",
        "National Police, Anti-Human Trafficking and Juvenile Protection Department",
        "នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស និងការពារអនីតិជន",  # (guess)
    ),
    ("NMP", "National Military Police", "កងរាជអាវុធហត្ថលើផ្ទៃប្រទេសទាំងមូល"),  # (guess)
    ("GDI", "General Department of Immigration", "អគ្គនាយកដ្ឋានអន្តោប្រវេសន៍"),  # (guess)
]


SECRETARIAT = ("NCCT-GS", "NCCT General Secretariat", "អគ្គលេខាធិការដ្ឋាន គ.ជ.ប.ជ")


# (guess) The partners' Khmer names are our renderings, not the names they use themselves.
PARTNERS = [
    ("IOM", "International Organization for Migration (IOM)", "អង្គការអន្តរជាតិទទួលបន្ទុកចំណាកស្រុក (IOM)"),
    (
        "UNODC",
        "United Nations Office on Drugs and Crime (UNODC)",
        "ការិយាល័យអង្គការសហប្រជាជាតិទទួលបន្ទុកគ្រឿងញៀន និងឧក្រិដ្ឋកម្ម (UNODC)",
    ),
    ("UNICEF", "UNICEF Cambodia", "អង្គការយូនីសេហ្វប្រចាំកម្ពុជា"),
    ("IJM", "International Justice Mission", "អង្គការយុត្តិធម៌អន្តរជាតិ (IJM)"),
    ("CHAB-DAI", "Chab Dai Coalition", "សម្ព័ន្ធចាប់ដៃ"),
    ("APLE", "Action Pour Les Enfants (APLE)", "អង្គការសកម្មភាពដើម្បីកុមារ (APLE)"),
    ("LICADHO", "LICADHO", "សម្ព័ន្ធខ្មែរជំរឿន និងការពារសិទ្ធិមនុស្ស (លីកាដូ)"),
    ("TDH-NL", "Terre des Hommes Netherlands", "អង្គការ Terre des Hommes ហូឡង់"),
    ("CARITAS", "Caritas Cambodia", "អង្គការការីតាសកម្ពុជា"),
    ("WINROCK", "Winrock International (CTIP programme)", "អង្គការវីនរ៉ក់អន្តរជាតិ (កម្មវិធី CTIP)"),
]


# The capital and provinces, by official geocode: one committee each, PCCT-NN.
PROVINCES = [
    ("01", "Banteay Meanchey", "បន្ទាយមានជ័យ"),
    ("02", "Battambang", "បាត់ដំបង"),
    ("03", "Kampong Cham", "កំពង់ចាម"),
    ("04", "Kampong Chhnang", "កំពង់ឆ្នាំង"),
    ("05", "Kampong Speu", "កំពង់ស្ពឺ"),
    ("06", "Kampong Thom", "កំពង់ធំ"),
    ("07", "Kampot", "កំពត"),
    ("08", "Kandal", "កណ្ដាល"),
    ("09", "Koh Kong", "កោះកុង"),
    ("10", "Kratie", "ក្រចេះ"),
    ("11", "Mondul Kiri", "មណ្ឌលគិរី"),
    ("12", "Phnom Penh", "ភ្នំពេញ"),
    ("13", "Preah Vihear", "ព្រះវិហារ"),
    ("14", "Prey Veng", "ព្រៃវែង"),
    ("15", "Pursat", "ពោធិ៍សាត់"),
    ("16", "Ratanak Kiri", "រតនគិរី"),
    ("17", "Siem Reap", "សៀមរាប"),
    ("18", "Preah Sihanouk", "ព្រះសីហនុ"),
    ("19", "Stung Treng", "ស្ទឹងត្រែង"),
    ("20", "Svay Rieng", "ស្វាយរៀង"),
    ("21", "Takeo", "តាកែវ"),
    ("22", "Oddar Meanchey", "ឧត្ដរមានជ័យ"),
    ("23", "Kep", "កែប"),
    ("24", "Pailin", "ប៉ៃលិន"),
    ("25", "Tboung Khmum", "ត្បូងឃ្មុំ"),
]


CAPITAL = "12"


# (guess) "committee for counter trafficking" + province / capital.
COMMITTEE_KM = "គណៈកម្មាធិការប្រយុទ្ធប្រឆាំងអំពើជួញដូរមនុស្ស"


ALL_PROVINCES = tuple(f"PCCT-{number}" for number, _, _ in PROVINCES)


@dataclass(frozen=True)
class OrganisationRow:
    code: str
    kind: str
    name: str
    name_km: str = ""


def provincial_committee(number: str, province: str, province_km: str) -> OrganisationRow:
    if number == CAPITAL:
        name, name_km = (
            f"{province} Capital Committee for Counter Trafficking",
            f"{COMMITTEE_KM}រាជធានី{province_km}",
        )
    else:
        name = f"{province} Provincial Committee for Counter Trafficking"
        name_km = f"{COMMITTEE_KM}ខេត្ត{province_km}"
    return OrganisationRow(f"PCCT-{number}", OrganisationKind.PROVINCIAL_COMMITTEE, name, name_km)


ORGANISATIONS = [
    *(OrganisationRow(c, OrganisationKind.MINISTRY, n, km) for c, n, km in MINISTRIES),
    *(OrganisationRow(c, OrganisationKind.INSTITUTION, n, km) for c, n, km in INSTITUTIONS),
    OrganisationRow(SECRETARIAT[0], OrganisationKind.SECRETARIAT, SECRETARIAT[1], SECRETARIAT[2]),
    *(provincial_committee(*province) for province in PROVINCES),
    *(OrganisationRow(c, OrganisationKind.PARTNER, n, km) for c, n, km in PARTNERS),
]


DEMO_USERS = [
    (Role.SECRETARIAT_ADMIN, "admin", "NCCT-GS"),
    (Role.SECRETARIAT_REVIEWER, "reviewer", "NCCT-GS"),
    (Role.FOCAL_POINT, "focal", "MOI"),
    (Role.PARTNER, "partner", "IOM"),
]


DIMENSIONS = {
    "sex": ("Sex", "ភេទ", [("F", "Female", "ស្រី"), ("M", "Male", "ប្រុស")]),
    "age_group": (
        "Age group",
        "ក្រុមអាយុ",
        [
            ("U15", "Under 15", "ក្រោម ១៥ ឆ្នាំ"),
            ("15_17", "15–17", "១៥–១៧ ឆ្នាំ"),
            ("18_PLUS", "18 and over", "១៨ ឆ្នាំឡើងទៅ"),
        ],
    ),
}


AGE_SHARES = {"U15": 0.26, "15_17": 0.18, "18_PLUS": 0.56}


# The Khmer names of pillars, objectives, indicators and activities (guess) are our
# translations of the English, as a Cambodian ministry would write them: a Khmer
# speaker should check them before the demo is shown as Khmer-first.

PILLARS = [
    ("P1", "Laws, policies and legal standards", "ច្បាប់ គោលនយោបាយ និងបទដ្ឋានគតិយុត្ត"),
    (
        "P2",
        "Prevention of human trafficking and child sexual abuse",
        "ការបង្ការការជួញដូរមនុស្ស និងការរំលោភបំពានផ្លូវភេទលើកុមារ",
    ),
    (
        "P3",
        "Criminal justice against trafficking and sexual exploitation",
        "យុត្តិធម៌ព្រហ្មទណ្ឌប្រឆាំងការជួញដូរមនុស្ស និងអាជីវកម្មផ្លូវភេទ",
    ),
    ("P4", "Protection of survivors", "កិច្ចការពារជនរួចផុតពីការជួញដូរ"),
]


# The pillar is the objective code's first digit: O2.3 belongs to P2.
OBJECTIVES = [
    (
        "O1.1",
        "Laws and regulations against trafficking updated and enforced",
        "ច្បាប់ និងបទប្បញ្ញត្តិប្រឆាំងការជួញដូរមនុស្សត្រូវបានធ្វើបច្ចុប្បន្នភាព និងអនុវត្ត",
    ),
    (
        "O1.2",
        "Inter-ministerial procedures for identification and referral in force",
        "នីតិវិធីអន្តរក្រសួងសម្រាប់ការកំណត់អត្តសញ្ញាណ និងការបញ្ជូនជនរងគ្រោះត្រូវបានដាក់ឱ្យអនុវត្ត",
    ),
    (
        "O1.3",
        "The plan resourced, coordinated and monitored",
        "ផែនការទទួលបានធនធាន ការសម្របសម្រួល និងការតាមដានត្រួតពិនិត្យ",
    ),
    ("O2.1", "Communities, students and young people know the risks", "សហគមន៍ សិស្សានុសិស្ស និងយុវជនយល់ដឹងអំពីហានិភ័យ"),
    (
        "O2.2",
        "Safe labour migration and inspected workplaces",
        "ចំណាកស្រុកពលកម្មប្រកបដោយសុវត្ថិភាព និងកន្លែងធ្វើការដែលត្រូវបានអធិការកិច្ច",
    ),
    (
        "O2.3",
        "Reports of suspected trafficking acted on quickly",
        "របាយការណ៍អំពីករណីសង្ស័យជួញដូរមនុស្សត្រូវបានចាត់វិធានការយ៉ាងឆាប់រហ័ស",
    ),
    (
        "O2.4",
        "Online sexual exploitation of children and scam compounds curbed",
        "អំពើធ្វើអាជីវកម្មផ្លូវភេទលើកុមារតាមអនឡាញ និងទីតាំងបោកប្រាស់តាមអនឡាញត្រូវបានទប់ស្កាត់",
    ),
    ("O3.1", "Police, prosecutors and judges trained", "មន្ត្រីនគរបាល ព្រះរាជអាជ្ញា និងចៅក្រមទទួលបានការបណ្តុះបណ្តាល"),
    (
        "O3.2",
        "Cases investigated and suspects sent to court",
        "សំណុំរឿងត្រូវបានស៊ើបអង្កេត និងជនសង្ស័យត្រូវបានបញ្ជូនទៅតុលាការ",
    ),
    ("O3.3", "Trials completed fairly and in good time", "ការជំនុំជម្រះក្តីត្រូវបានបញ្ចប់ដោយយុត្តិធម៌ និងទាន់ពេលវេលា"),
    (
        "O3.4",
        "International cooperation in investigations and prosecutions",
        "កិច្ចសហប្រតិបត្តិការអន្តរជាតិក្នុងការស៊ើបអង្កេត និងការចោទប្រកាន់",
    ),
    ("O4.1", "Victims identified and referred to services", "ជនរងគ្រោះត្រូវបានកំណត់អត្តសញ្ញាណ និងបញ្ជូនទៅទទួលសេវា"),
    (
        "O4.2",
        "Survivors sheltered and cared for to national standards",
        "ជនរួចផុតពីការជួញដូរទទួលបានទីជម្រក និងការថែទាំស្របតាមស្តង់ដារជាតិ",
    ),
    (
        "O4.3",
        "Survivors repatriated, reintegrated and compensated",
        "ជនរួចផុតពីការជួញដូរត្រូវបានធ្វើមាតុភូមិនិវត្តន៍ ធ្វើសមាហរណកម្ម និងទទួលបានសំណង",
    ),
]


# --- Indicators -------------------------------------------------------------------------
# Pace: the share of the expected trajectory the demo figures follow. With the
# default thresholds (on track ≥ 0.85 of expected, at risk ≥ 0.60) these give
# on-track, at-risk and off-track indicators.
AHEAD, ON_PACE, BEHIND, FAR_BEHIND = 1.12, 1.0, 0.72, 0.42


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    measure: str
    aggregation: str
    direction: str
    frequency: str
    unit: str
    baseline: float
    targets: tuple  # one per plan year, 2024 to 2028
    lead: str
    contributors: tuple = ()
    by: tuple = ()  # disaggregation dimensions
    female: float = 0.5  # share of women and girls, to split by sex
    pace: float = ON_PACE
    name_km: str = ""
    counts_people: bool = False  # victims or survivors: small counts suppressed for partners
    unit_km: str = ""  # from UNITS_KM, by the English unit

    @property
    def objective(self) -> str:
        return "O" + self.code[1:].rsplit(".", 1)[0]

    def target(self, year: int) -> float:
        return self.targets[year - FIRST_YEAR]


# (guess) The Khmer of the demo's units, as a ministry's tables head a column of
# figures: "%" stays "%".
UNITS_KM = {
    "%": "%",
    "% of provinces": "% នៃរាជធានី-ខេត្ត",
    "agencies": "ទីភ្នាក់ងារ",
    "agreements": "កិច្ចព្រមព្រៀង",
    "cases": "សំណុំរឿង",
    "committees": "គណៈកម្មាធិការ",
    "days": "ថ្ងៃ",
    "events": "ព្រឹត្តិការណ៍",
    "inspections": "អធិការកិច្ច",
    "meetings": "កិច្ចប្រជុំ",
    "officials": "មន្ត្រី",
    "pages and accounts": "គេហទំព័រ និងគណនី",
    "people": "នាក់",
    "percentage points": "ពិន្ទុភាគរយ",
    "provinces": "រាជធានី-ខេត្ត",
    "reports": "របាយការណ៍",
    "requests": "សំណើ",
    "schools": "សាលារៀន",
    "shelters": "ទីជម្រក",
    "sites": "ទីតាំង",
    "students": "សិស្ស",
    "texts": "លិខិតបទដ្ឋានគតិយុត្ត",
}


def indicator(code, name, kind, unit, baseline, targets, lead, **extra) -> IndicatorRow:
    """``kind`` reads "MEASURE AGGREGATION DIRECTION FREQUENCY", e.g. "NUMBER SUM INCREASE QUARTERLY"."""
    measure, aggregation, direction, frequency = kind.split()
    extra.setdefault("unit_km", UNITS_KM.get(unit, ""))
    return IndicatorRow(
        code, name, measure, aggregation, direction, frequency, unit, baseline, targets, lead, **extra
    )


EVERY_YEAR_100 = (100, 100, 100, 100, 100)


# fmt: off
INDICATORS = [
    # Pillar 1: laws, policies and legal standards
    indicator("I1.1.1", "Laws, sub-decrees, prakas and guidelines on trafficking adopted",
              "NUMBER SUM INCREASE ANNUAL", "texts", 0, (3, 4, 4, 3, 3), "MOJ",
              contributors=("MOI", "MOSVY", "MOLVT"),
              name_km="ច្បាប់ អនុក្រឹត្យ ប្រកាស និងគោលការណ៍ណែនាំស្តីពីការជួញដូរមនុស្សដែលត្រូវបានអនុម័ត"),
    indicator("I1.1.2", "Draft amendment to the 2008 Law on Suppression of Human Trafficking and "
              "Sexual Exploitation sent to the Council of Ministers",
              "MILESTONE LATEST INCREASE ANNUAL", "", 0, (0, 0, 1, 1, 1), "MOJ",
              name_km="សេចក្តីព្រាងវិសោធនកម្មច្បាប់ស្តីពីការបង្ក្រាបអំពើជួញដូរមនុស្ស និងអំពើធ្វើអាជីវកម្មផ្លូវភេទ "
              "ឆ្នាំ២០០៨ ត្រូវបានដាក់ជូនគណៈរដ្ឋមន្ត្រី"),
    indicator("I1.1.3", "Provinces with a provincial action plan against trafficking",
              "NUMBER LATEST INCREASE ANNUAL", "provinces", 10, (14, 18, 21, 24, 25), "MOI",
              name_km="រាជធានី-ខេត្តដែលមានផែនការសកម្មភាពប្រឆាំងការជួញដូរមនុស្ស"),
    indicator("I1.2.1", "Inter-ministerial guideline on victim identification revised",
              "MILESTONE LATEST INCREASE QUARTERLY", "", 0, (1, 1, 1, 1, 1), "MOSVY",
              name_km="គោលការណ៍ណែនាំអន្តរក្រសួងស្តីពីការកំណត់អត្តសញ្ញាណជនរងគ្រោះត្រូវបានកែសម្រួល"),
    indicator("I1.2.2", "Provincial committees using the national referral procedures",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 40, (50, 60, 70, 80, 90), "MOSVY", pace=BEHIND,
              name_km="គណៈកម្មាធិការខេត្តដែលប្រើប្រាស់នីតិវិធីជាតិសម្រាប់ការបញ្ជូនជនរងគ្រោះ"),
    indicator("I1.2.3", "Bilateral agreements and memoranda on trafficking in force",
              "NUMBER LATEST INCREASE ANNUAL", "agreements", 8, (9, 10, 11, 12, 13), "MFAIC",
              name_km="កិច្ចព្រមព្រៀង និងអនុស្សរណៈនៃការយោគយល់ទ្វេភាគីស្តីពីការជួញដូរមនុស្សដែលកំពុងមានសុពលភាព"),
    indicator("I1.3.1", "Plan budget executed, % of allocated",
              "PERCENT LATEST INCREASE ANNUAL", "%", 55, (60, 65, 70, 75, 80), "MEF", pace=FAR_BEHIND,
              name_km="ថវិកាផែនការដែលបានអនុវត្ត គិតជា % នៃថវិកាដែលបានបែងចែក"),
    indicator("I1.3.2", "Coordination meetings of the NCCT and the provincial committees held",
              "NUMBER SUM INCREASE QUARTERLY", "meetings", 0, (104, 104, 104, 104, 104), "MOI",
              contributors=ALL_PROVINCES,
              name_km="កិច្ចប្រជុំសម្របសម្រួលរបស់ គ.ជ.ប.ជ និងគណៈកម្មាធិការខេត្តដែលបានរៀបចំ"),
    indicator("I1.3.3", "Annual inter-ministerial work plan delivered, % of the year's plan",
              "PERCENT SUM INCREASE QUARTERLY", "percentage points", 0, EVERY_YEAR_100, "MOI", pace=BEHIND,
              name_km="ផែនការការងារប្រចាំឆ្នាំអន្តរក្រសួងដែលបានអនុវត្ត គិតជា % នៃផែនការប្រចាំឆ្នាំ"),
    indicator("I1.3.4", "Provincial plan activities funded only by partners",
              "PERCENT LATEST DECREASE ANNUAL", "%", 70, (65, 60, 55, 50, 45), "MEF", pace=BEHIND,
              name_km="សកម្មភាពនៃផែនការថ្នាក់ខេត្តដែលទទួលបានថវិកាពីដៃគូតែប៉ុណ្ណោះ"),
    indicator("I1.3.5", "Monitoring visits to provinces carried out, % of the year's plan",
              "PERCENT SUM INCREASE ANNUAL", "percentage points", 0, EVERY_YEAR_100, "MOI",
              name_km="ការចុះតាមដានត្រួតពិនិត្យនៅតាមខេត្តដែលបានអនុវត្ត គិតជា % នៃផែនការប្រចាំឆ្នាំ"),
    # Pillar 2: prevention
    indicator("I2.1.1", "Awareness events held on trafficking and safe migration",
              "NUMBER SUM INCREASE QUARTERLY", "events", 0, (1200, 1250, 1300, 1350, 1400), "MOI",
              contributors=("MOWA", "MOEYS", "MINFO", *ALL_PROVINCES),
              name_km="សកម្មភាពផ្សព្វផ្សាយស្តីពីការជួញដូរមនុស្ស និងចំណាកស្រុកប្រកបដោយសុវត្ថិភាពដែលបានរៀបចំ"),
    indicator("I2.1.2", "People reached by awareness events",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (150000, 160000, 170000, 180000, 190000), "MOI",
              contributors=("MOWA", "MOEYS", *ALL_PROVINCES), by=("sex", "age_group"), female=0.55,
              pace=AHEAD,
              name_km="ប្រជាជនដែលទទួលបានការផ្សព្វផ្សាយ"),
    indicator("I2.1.3", "Schools teaching the trafficking and safe-migration module",
              "NUMBER LATEST INCREASE ANNUAL", "schools", 300, (450, 600, 800, 1000, 1200), "MOEYS",
              pace=BEHIND,
              name_km="សាលារៀនដែលបង្រៀនមេរៀនស្តីពីការជួញដូរមនុស្ស និងចំណាកស្រុកប្រកបដោយសុវត្ថិភាព"),
    indicator("I2.1.4", "Students who completed the trafficking and safe-migration module",
              "NUMBER SUM INCREASE ANNUAL", "students", 0, (40000, 50000, 60000, 70000, 80000), "MOEYS",
              by=("sex",),
              name_km="សិស្សដែលបានបញ្ចប់មេរៀនស្តីពីការជួញដូរមនុស្ស និងចំណាកស្រុកប្រកបដោយសុវត្ថិភាព"),
    indicator("I2.2.1", "Labour inspections of high-risk workplaces",
              "NUMBER SUM INCREASE QUARTERLY", "inspections", 0, (800, 900, 1000, 1100, 1200), "MOLVT",
              name_km="អធិការកិច្ចការងារនៅកន្លែងធ្វើការដែលមានហានិភ័យខ្ពស់"),
    indicator("I2.2.2", "Licensed recruitment agencies inspected in the year",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 35, (45, 55, 65, 75, 85), "MOLVT",
              name_km="ទីភ្នាក់ងារជ្រើសរើសកម្មករដែលមានអាជ្ញាប័ណ្ណ និងត្រូវបានអធិការកិច្ចក្នុងឆ្នាំ"),
    indicator("I2.2.3", "Migrant workers given pre-departure orientation",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (20000, 22000, 24000, 26000, 28000), "MOLVT",
              by=("sex",), female=0.45, pace=BEHIND,
              name_km="ពលករចំណាកស្រុកដែលទទួលបានការតម្រង់ទិសមុនចេញដំណើរ"),
    indicator("I2.2.4", "Unlicensed recruitment agencies known to be operating",
              "NUMBER LATEST DECREASE QUARTERLY", "agencies", 60, (50, 40, 30, 20, 10), "MOLVT",
              pace=FAR_BEHIND,
              name_km="ទីភ្នាក់ងារជ្រើសរើសកម្មករគ្មានអាជ្ញាប័ណ្ណដែលគេដឹងថាកំពុងប្រតិបត្តិការ"),
    indicator("I2.3.1", "Hotline calls acted on",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 62, (70, 75, 80, 85, 90), "AHTJP",
              name_km="ការហៅទូរស័ព្ទមកខ្សែទូរស័ព្ទបន្ទាន់ដែលត្រូវបានចាត់វិធានការ"),
    indicator("I2.3.2", "Hotline reports of suspected trafficking received",
              "NUMBER SUM INCREASE QUARTERLY", "reports", 0, (1000, 1100, 1200, 1300, 1400), "AHTJP",
              contributors=("MOSVY",), pace=AHEAD,
              name_km="របាយការណ៍អំពីករណីសង្ស័យជួញដូរមនុស្សដែលទទួលបានតាមខ្សែទូរស័ព្ទបន្ទាន់"),
    indicator("I2.3.3", "Average days to act on a hotline report",
              "NUMBER LATEST DECREASE QUARTERLY", "days", 12, (10, 8, 6, 5, 4), "AHTJP", pace=BEHIND,
              name_km="ចំនួនថ្ងៃជាមធ្យមដើម្បីចាត់វិធានការលើរបាយការណ៍តាមខ្សែទូរស័ព្ទបន្ទាន់"),
    indicator("I2.4.1", "Suspected online scam compounds inspected",
              "NUMBER SUM INCREASE QUARTERLY", "sites", 0, (60, 70, 80, 80, 80), "MOI",
              contributors=("NMP", "GDI", "PCCT-09", "PCCT-18", "PCCT-24"),
              name_km="ទីតាំងសង្ស័យប្រកបអាជីវកម្មបោកប្រាស់តាមអនឡាញដែលត្រូវបានចុះត្រួតពិនិត្យ"),
    indicator("I2.4.2", "Web pages and accounts showing child sexual abuse taken down",
              "NUMBER SUM INCREASE QUARTERLY", "pages and accounts", 0, (400, 450, 500, 550, 600), "MPTC",
              contributors=("AHTJP",), pace=FAR_BEHIND,
              name_km="គេហទំព័រ និងគណនីដែលបង្ហាញការរំលោភបំពានផ្លូវភេទលើកុមារដែលត្រូវបានបិទ"),
    indicator("I2.4.3", "Internet service providers applying the child online protection code",
              "PERCENT LATEST INCREASE ANNUAL", "%", 20, (30, 45, 60, 75, 90), "MPTC", pace=BEHIND,
              name_km="ក្រុមហ៊ុនផ្តល់សេវាអ៊ីនធឺណិតដែលអនុវត្តក្រមការពារកុមារតាមអនឡាញ"),
    indicator("I2.4.4", "Hotels and guesthouses in Siem Reap and Preah Sihanouk certified child-safe",
              "PERCENT LATEST INCREASE ANNUAL", "%", 15, (25, 35, 45, 55, 65), "MOT", pace=FAR_BEHIND,
              name_km="សណ្ឋាគារ និងផ្ទះសំណាក់នៅខេត្តសៀមរាប និងខេត្តព្រះសីហនុដែលទទួលបានវិញ្ញាបនបត្រសុវត្ថិភាពកុមារ"),
    # Pillar 3: criminal justice
    indicator("I3.1.1", "Officials trained on trafficking law and victim identification",
              "NUMBER SUM INCREASE QUARTERLY", "officials", 0, (2000, 2000, 2200, 2200, 2400), "MOJ",
              contributors=("MOI", "AHTJP", "NMP", "GDI", "MOSVY", "MOLVT"), by=("sex",), female=0.25,
              name_km="មន្ត្រីដែលទទួលបានការបណ្តុះបណ្តាលស្តីពីច្បាប់ប្រឆាំងការជួញដូរមនុស្ស និងការកំណត់អត្តសញ្ញាណជនរងគ្រោះ"),
    indicator("I3.1.2", "Judges and prosecutors trained on trafficking cases",
              "NUMBER SUM INCREASE ANNUAL", "people", 0, (120, 120, 120, 120, 120), "MOJ",
              by=("sex",), female=0.3,
              name_km="ចៅក្រម និងព្រះរាជអាជ្ញាដែលទទួលបានការបណ្តុះបណ្តាលស្តីពីសំណុំរឿងជួញដូរមនុស្ស"),
    indicator("I3.1.3", "Provinces with a trained anti-trafficking police unit",
              "PERCENT LATEST INCREASE QUARTERLY", "% of provinces", 48, (60, 70, 80, 90, 100), "AHTJP",
              name_km="រាជធានី-ខេត្តដែលមានអង្គភាពនគរបាលប្រឆាំងការជួញដូរមនុស្សដែលបានទទួលការបណ្តុះបណ្តាល"),
    indicator("I3.2.1", "Trafficking and sexual-exploitation cases investigated",
              "NUMBER SUM INCREASE QUARTERLY", "cases", 164, (200, 210, 220, 230, 240), "AHTJP",
              contributors=("NMP", "GDI"),
              name_km="សំណុំរឿងជួញដូរមនុស្ស និងអាជីវកម្មផ្លូវភេទដែលត្រូវបានស៊ើបអង្កេត"),
    indicator("I3.2.2", "Suspects sent to court",
              "NUMBER SUM INCREASE QUARTERLY", "people", 194, (270, 280, 290, 300, 310), "AHTJP",
              contributors=("NMP",), by=("sex",), female=0.3,
              name_km="ជនសង្ស័យដែលត្រូវបានបញ្ជូនទៅតុលាការ"),
    indicator("I3.2.3", "Cases investigated jointly with foreign police",
              "NUMBER SUM INCREASE ANNUAL", "cases", 0, (15, 18, 20, 22, 25), "AHTJP",
              contributors=("GDI",), pace=FAR_BEHIND,
              name_km="សំណុំរឿងដែលត្រូវបានស៊ើបអង្កេតរួមគ្នាជាមួយនគរបាលបរទេស"),
    indicator("I3.3.1", "Defendants convicted of trafficking or sexual exploitation",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (200, 210, 220, 230, 240), "MOJ",
              by=("sex",), female=0.3, pace=BEHIND,
              name_km="ជនជាប់ចោទដែលត្រូវបានផ្តន្ទាទោសពីបទជួញដូរមនុស្ស ឬអាជីវកម្មផ្លូវភេទ"),
    indicator("I3.3.2", "Court backlog of trafficking cases",
              "NUMBER LATEST DECREASE QUARTERLY", "cases", 420, (380, 340, 300, 260, 220), "MOJ",
              name_km="សំណុំរឿងជួញដូរមនុស្សដែលកកស្ទះនៅតុលាការ"),
    indicator("I3.3.3", "Trafficking cases decided within 12 months",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 45, (50, 55, 60, 65, 70), "MOJ", pace=BEHIND,
              name_km="សំណុំរឿងជួញដូរមនុស្សដែលត្រូវបានសម្រេចក្នុងរយៈពេល ១២ ខែ"),
    indicator("I3.3.4", "Cases dismissed for lack of evidence",
              "PERCENT LATEST DECREASE QUARTERLY", "%", 30, (28, 25, 22, 20, 18), "MOJ",
              name_km="សំណុំរឿងដែលត្រូវបានលើកចោលដោយសារខ្វះភស្តុតាង"),
    indicator("I3.4.1", "Mutual legal assistance requests answered within six months",
              "PERCENT LATEST INCREASE ANNUAL", "%", 40, (50, 60, 70, 75, 80), "MFAIC",
              name_km="សំណើសុំជំនួយគតិយុត្តទៅវិញទៅមកដែលត្រូវបានឆ្លើយតបក្នុងរយៈពេលប្រាំមួយខែ"),
    indicator("I3.4.2", "Extradition and legal assistance requests pending over a year",
              "NUMBER LATEST DECREASE ANNUAL", "requests", 25, (22, 18, 15, 12, 10), "MOJ", pace=BEHIND,
              name_km="សំណើបត្យាប័ន និងសំណើជំនួយគតិយុត្តដែលមិនទាន់បានដោះស្រាយលើសពីមួយឆ្នាំ"),
    indicator("I3.4.3", "Memorandum on joint investigations with Thailand signed",
              "MILESTONE LATEST INCREASE ANNUAL", "", 0, (0, 1, 1, 1, 1), "MOI", pace=FAR_BEHIND,
              name_km="អនុស្សរណៈនៃការយោគយល់ស្តីពីការស៊ើបអង្កេតរួមគ្នាជាមួយប្រទេសថៃត្រូវបានចុះហត្ថលេខា"),
    # Pillar 4: protection of survivors
    indicator("I4.1.1", "Victims identified",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (520, 540, 560, 580, 600), "MOSVY",
              contributors=("AHTJP", "NMP", "GDI", "MFAIC"), counts_people=True,
              by=("sex", "age_group"), female=0.8,
              name_km="ជនរងគ្រោះដែលត្រូវបានកំណត់អត្តសញ្ញាណ"),
    indicator("I4.1.2", "Identified victims referred to services",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 70, (75, 80, 85, 90, 95), "MOSVY",
              name_km="ជនរងគ្រោះដែលបានកំណត់អត្តសញ្ញាណ និងត្រូវបានបញ្ជូនទៅទទួលសេវា"),
    indicator("I4.1.3", "Provincial committees with a trained victim-identification team",
              "NUMBER LATEST INCREASE QUARTERLY", "committees", 8, (12, 16, 20, 23, 25), "MOSVY",
              pace=BEHIND,
              name_km="គណៈកម្មាធិការខេត្តដែលមានក្រុមកំណត់អត្តសញ្ញាណជនរងគ្រោះដែលបានទទួលការបណ្តុះបណ្តាល"),
    indicator("I4.2.1", "Shelters meeting the minimum standards of care",
              "NUMBER LATEST INCREASE ANNUAL", "shelters", 18, (20, 22, 24, 26, 28), "MOSVY",
              name_km="ទីជម្រកដែលបំពេញតាមស្តង់ដារអប្បបរមានៃការថែទាំ"),
    indicator("I4.2.2", "Survivors receiving psychosocial counselling",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (800, 850, 900, 950, 1000), "MOSVY",
              contributors=("MOH", "MOWA"), counts_people=True, by=("sex", "age_group"), female=0.8,
              name_km="ជនរួចផុតពីការជួញដូរដែលទទួលបានការប្រឹក្សាផ្នែកចិត្តសង្គម"),
    indicator("I4.2.3", "Survivors waiting more than 30 days for a shelter place",
              "NUMBER LATEST DECREASE QUARTERLY", "people", 40, (32, 25, 18, 12, 8), "MOSVY",
              counts_people=True, by=("sex",), female=0.85, pace=FAR_BEHIND,
              name_km="ជនរួចផុតពីការជួញដូរដែលរង់ចាំកន្លែងស្នាក់នៅក្នុងទីជម្រកលើសពី ៣០ ថ្ងៃ"),
    indicator("I4.2.4", "National minimum standards for shelters revised and adopted",
              "MILESTONE LATEST INCREASE QUARTERLY", "", 0, (0, 0, 1, 1, 1), "MOSVY",
              name_km="ស្តង់ដារអប្បបរមាជាតិសម្រាប់ទីជម្រកត្រូវបានកែសម្រួល និងអនុម័ត"),
    indicator("I4.3.1", "Survivors repatriated",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (1000, 1000, 1100, 1100, 1200), "MFAIC",
              contributors=("MOSVY", "GDI"), counts_people=True, by=("sex",),
              name_km="ជនរួចផុតពីការជួញដូរដែលត្រូវបានធ្វើមាតុភូមិនិវត្តន៍"),
    indicator("I4.3.2", "Survivors receiving compensation",
              "NUMBER SUM INCREASE ANNUAL", "people", 0, (30, 40, 50, 60, 70), "MOJ",
              counts_people=True, by=("sex",), female=0.8, pace=FAR_BEHIND,
              name_km="ជនរួចផុតពីការជួញដូរដែលទទួលបានសំណង"),
    indicator("I4.3.3", "Reintegrated survivors followed up after 12 months",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 50, (55, 60, 65, 70, 75), "MOSVY",
              name_km="ជនរួចផុតពីការជួញដូរដែលបានធ្វើសមាហរណកម្ម និងត្រូវបានតាមដានក្រោយរយៈពេល ១២ ខែ"),
    indicator("I4.3.4", "Survivors trafficked again within two years",
              "PERCENT LATEST DECREASE ANNUAL", "%", 8, (7, 6, 5, 4, 3), "MOSVY",
              name_km="ជនរួចផុតពីការជួញដូរដែលរងការជួញដូរម្តងទៀតក្នុងរយៈពេលពីរឆ្នាំ"),
    indicator("I4.3.5", "Survivors given vocational training",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (300, 320, 340, 360, 380), "MOLVT",
              contributors=("MOSVY", "MOWA"), counts_people=True, by=("sex",), female=0.75, pace=BEHIND,
              name_km="ជនរួចផុតពីការជួញដូរដែលទទួលបានការបណ្តុះបណ្តាលវិជ្ជាជីវៈ"),
]


@dataclass(frozen=True)
class ActivityRow:
    code: str
    name: str
    lead: str
    supporting: tuple
    start: str  # planned first quarter
    end: str  # planned last quarter
    budget_usd: int
    pace: float = ON_PACE
    cancelled_in: str = ""  # the quarter in which the lead reports it cancelled
    name_km: str = ""

    @property
    def objective(self) -> str:
        return "O" + self.code[1:].rsplit(".", 1)[0]


A = ActivityRow


# fmt: off
ACTIVITIES = [
    A("A1.1.1", "Draft the amendment to the 2008 trafficking law, with public consultations", "MOJ",
      ("MOI", "MOSVY", "UNODC"), "2024-Q1", "2025-Q4", 85_000,
      name_km="រៀបចំសេចក្តីព្រាងវិសោធនកម្មច្បាប់ឆ្នាំ២០០៨ ស្តីពីការជួញដូរមនុស្ស ដោយមានការពិគ្រោះយោបល់ជាសាធារណៈ"),
    A("A1.1.2", "Draft a sub-decree on compensation for survivors", "MOJ",
      ("MEF", "MOSVY"), "2024-Q3", "2026-Q2", 40_000, BEHIND,
      name_km="រៀបចំសេចក្តីព្រាងអនុក្រឹត្យស្តីពីសំណងសម្រាប់ជនរួចផុតពីការជួញដូរ"),
    A("A1.1.3", "Explain the new laws and prakas to provincial courts and police", "MOI",
      ("MOJ", "AHTJP"), "2025-Q1", "2027-Q4", 60_000,
      name_km="ផ្សព្វផ្សាយច្បាប់ និងប្រកាសថ្មីៗដល់តុលាការ និងនគរបាលថ្នាក់ខេត្ត"),
    A("A1.2.1", "Revise the inter-ministerial guideline on victim identification", "MOSVY",
      ("MOI", "MOJ", "IOM"), "2024-Q1", "2024-Q4", 30_000,
      name_km="កែសម្រួលគោលការណ៍ណែនាំអន្តរក្រសួងស្តីពីការកំណត់អត្តសញ្ញាណជនរងគ្រោះ"),
    A("A1.2.2", "Print and send the revised referral procedures to the 25 provinces", "MOSVY",
      ("MOI", "UNICEF"), "2025-Q1", "2025-Q2", 18_000,
      name_km="បោះពុម្ព និងចែកចាយនីតិវិធីបញ្ជូនជនរងគ្រោះដែលបានកែសម្រួលទៅរាជធានី-ខេត្តទាំង ២៥"),
    A("A1.2.3", "Negotiate a labour-migration memorandum with Thailand", "MFAIC",
      ("MOLVT", "MOI"), "2024-Q2", "2026-Q4", 25_000, BEHIND,
      name_km="ចរចាអនុស្សរណៈនៃការយោគយល់ស្តីពីចំណាកស្រុកពលកម្មជាមួយប្រទេសថៃ"),
    A("A1.3.1", "Hold the NCCT annual meeting and publish the annual report", "MOI",
      ("NCCT-GS",), "2024-Q1", "2028-Q4", 120_000,
      name_km="រៀបចំកិច្ចប្រជុំប្រចាំឆ្នាំរបស់ គ.ជ.ប.ជ និងផ្សព្វផ្សាយរបាយការណ៍ប្រចាំឆ្នាំ"),
    A("A1.3.2", "Set up online quarterly reporting for ministries and provinces", "MOI",
      ("MPTC", "NCCT-GS", "WINROCK"), "2024-Q2", "2025-Q2", 75_000,
      name_km="រៀបចំការរាយការណ៍ប្រចាំត្រីមាសតាមអនឡាញសម្រាប់ក្រសួង និងរាជធានី-ខេត្ត"),
    A("A1.3.3", "Review ministries' budget lines for plan activities", "MEF",
      ("MOP", "MOI"), "2024-Q1", "2024-Q4", 12_000, FAR_BEHIND,
      name_km="ពិនិត្យខ្ទង់ថវិការបស់ក្រសួងនានាសម្រាប់សកម្មភាពនៃផែនការ"),
    A("A1.3.4", "Mid-term review of the national strategic plan", "MOP",
      ("MOI", "NCCT-GS", "IOM", "UNODC"), "2026-Q1", "2026-Q4", 50_000,
      name_km="ការពិនិត្យពាក់កណ្តាលអាណត្តិនៃផែនការយុទ្ធសាស្ត្រជាតិ"),
    A("A2.1.1", "Safe-migration awareness campaign in the border provinces", "MOI",
      ("MOWA", "IOM", "PCCT-01", "PCCT-02", "PCCT-20"), "2024-Q1", "2028-Q4", 240_000,
      name_km="យុទ្ធនាការផ្សព្វផ្សាយស្តីពីចំណាកស្រុកប្រកបដោយសុវត្ថិភាពនៅតាមខេត្តជាប់ព្រំដែន"),
    A("A2.1.2", "Radio and television spots on trafficking risks", "MINFO",
      ("MOWA", "UNICEF"), "2024-Q2", "2025-Q1", 45_000,
      name_km="ស្ពតផ្សព្វផ្សាយតាមវិទ្យុ និងទូរទស្សន៍ស្តីពីហានិភ័យនៃការជួញដូរមនុស្ស"),
    A("A2.1.3", "Put trafficking and safe migration into the lower-secondary curriculum", "MOEYS",
      ("MOWA", "UNICEF"), "2024-Q1", "2026-Q4", 90_000, BEHIND,
      name_km="បញ្ចូលការជួញដូរមនុស្ស និងចំណាកស្រុកប្រកបដោយសុវត្ថិភាពទៅក្នុងកម្មវិធីសិក្សាមធ្យមសិក្សាបឋមភូមិ"),
    A("A2.1.4", "Performances on trafficking risks at the Water Festival", "MCFA",
      ("MINFO", "MOT"), "2024-Q4", "2024-Q4", 15_000,
      name_km="ការសម្តែងស្តីពីហានិភ័យនៃការជួញដូរមនុស្សក្នុងព្រះរាជពិធីបុណ្យអុំទូក"),
    A("A2.2.1", "Train labour inspectors to recognise forced labour", "MOLVT",
      ("IOM", "WINROCK"), "2024-Q1", "2025-Q4", 70_000,
      name_km="បណ្តុះបណ្តាលអធិការការងារឱ្យចេះកំណត់សម្គាល់ពលកម្មដោយបង្ខំ"),
    A("A2.2.2", "Pre-departure centres in Prey Veng, Battambang and Banteay Meanchey", "MOLVT",
      ("PCCT-14", "PCCT-02", "PCCT-01", "IOM"), "2024-Q3", "2027-Q4", 180_000, BEHIND,
      name_km="មជ្ឈមណ្ឌលតម្រង់ទិសមុនចេញដំណើរនៅខេត្តព្រៃវែង បាត់ដំបង និងបន្ទាយមានជ័យ"),
    A("A2.2.3", "Publish the register of licensed recruitment agencies online", "MOLVT",
      ("MPTC",), "2025-Q1", "2025-Q4", 20_000, FAR_BEHIND,
      name_km="ផ្សព្វផ្សាយបញ្ជីទីភ្នាក់ងារជ្រើសរើសកម្មករដែលមានអាជ្ញាប័ណ្ណតាមអនឡាញ"),
    A("A2.3.1", "Staff the 1288 hotline around the clock", "AHTJP",
      ("MPTC", "CHAB-DAI"), "2024-Q1", "2028-Q4", 150_000,
      name_km="ចាត់មន្ត្រីប្រចាំការខ្សែទូរស័ព្ទបន្ទាន់ 1288 ២៤ ម៉ោងលើ ២៤"),
    A("A2.3.2", "Link the hotline to provincial response teams", "AHTJP",
      ("PCCT-02", "PCCT-12", "PCCT-17", "PCCT-18"), "2024-Q3", "2025-Q4", 35_000, BEHIND,
      name_km="ភ្ជាប់ខ្សែទូរស័ព្ទបន្ទាន់ទៅនឹងក្រុមឆ្លើយតបថ្នាក់ខេត្ត"),
    A("A2.3.3", "Print the hotline number on every mobile operator's SIM pack", "MPTC",
      ("AHTJP",), "2025-Q3", "2026-Q2", 10_000, FAR_BEHIND,
      name_km="បោះពុម្ពលេខខ្សែទូរស័ព្ទបន្ទាន់លើកញ្ចប់ស៊ីមកាតរបស់ក្រុមហ៊ុនទូរស័ព្ទចល័តទាំងអស់"),
    A("A2.4.1", "Joint inspections of suspected online scam compounds", "MOI",
      ("NMP", "GDI", "PCCT-09", "PCCT-18"), "2024-Q1", "2028-Q4", 200_000,
      name_km="ការចុះត្រួតពិនិត្យរួមគ្នាលើទីតាំងសង្ស័យប្រកបអាជីវកម្មបោកប្រាស់តាមអនឡាញ"),
    A("A2.4.2", "Child online protection code for internet service providers", "MPTC",
      ("UNICEF", "APLE"), "2024-Q2", "2025-Q4", 40_000, BEHIND,
      name_km="ក្រមការពារកុមារតាមអនឡាញសម្រាប់ក្រុមហ៊ុនផ្តល់សេវាអ៊ីនធឺណិត"),
    A("A2.4.3", "Child-safe certification for hotels and guesthouses", "MOT",
      ("PCCT-17", "PCCT-18", "APLE"), "2024-Q1", "2026-Q4", 55_000, FAR_BEHIND,
      name_km="វិញ្ញាបនបត្រសុវត្ថិភាពកុមារសម្រាប់សណ្ឋាគារ និងផ្ទះសំណាក់"),
    A("A2.4.4", "Train immigration officers at border checkpoints to spot trafficking", "GDI",
      ("IOM",), "2026-Q3", "2027-Q4", 65_000,
      name_km="បណ្តុះបណ្តាលមន្ត្រីអន្តោប្រវេសន៍នៅច្រកព្រំដែនឱ្យចេះកំណត់សម្គាល់ការជួញដូរមនុស្ស"),
    A("A3.1.1", "Train police investigators on the trafficking law and victim interviews", "AHTJP",
      ("MOJ", "IJM", "UNODC"), "2024-Q1", "2027-Q4", 160_000,
      name_km="បណ្តុះបណ្តាលមន្ត្រីនគរបាលស៊ើបអង្កេតស្តីពីច្បាប់ប្រឆាំងការជួញដូរមនុស្ស និងការសាកសួរជនរងគ្រោះ"),
    A("A3.1.2", "Train judges and prosecutors at the judicial academy", "MOJ",
      ("UNODC", "IJM"), "2024-Q1", "2028-Q4", 130_000,
      name_km="បណ្តុះបណ្តាលចៅក្រម និងព្រះរាជអាជ្ញានៅរាជបណ្ឌិត្យសភាវិជ្ជាជីវៈតុលាការ"),
    A("A3.1.3", "Add a trafficking module to the police academy's basic course", "AHTJP",
      ("MOI",), "2025-Q1", "2026-Q2", 25_000, BEHIND,
      name_km="បញ្ចូលមេរៀនស្តីពីការជួញដូរមនុស្សទៅក្នុងវគ្គមូលដ្ឋានរបស់បណ្ឌិតសភានគរបាល"),
    A("A3.2.1", "Set up a specialised online-crime investigation unit", "AHTJP",
      ("MPTC", "UNODC"), "2024-Q2", "2026-Q4", 220_000, BEHIND,
      name_km="បង្កើតអង្គភាពជំនាញស៊ើបអង្កេតបទល្មើសតាមអនឡាញ"),
    A("A3.2.2", "Case-tracking database shared by police and prosecutors", "MOJ",
      ("AHTJP", "IJM"), "2024-Q3", "2026-Q2", 95_000, FAR_BEHIND,
      name_km="មូលដ្ឋានទិន្នន័យតាមដានសំណុំរឿងដែលនគរបាល និងអយ្យការប្រើប្រាស់រួមគ្នា"),
    A("A3.2.3", "Financial investigation training for trafficking cases", "NMP",
      ("MEF", "UNODC"), "2025-Q2", "2026-Q1", 30_000,
      name_km="វគ្គបណ្តុះបណ្តាលស្តីពីការស៊ើបអង្កេតហិរញ្ញវត្ថុសម្រាប់សំណុំរឿងជួញដូរមនុស្ស"),
    A("A3.3.1", "Child-friendly interview rooms in provincial courts", "MOJ",
      ("UNICEF", "PCCT-12", "PCCT-02"), "2024-Q1", "2026-Q4", 140_000,
      name_km="បន្ទប់សាកសួរស័ក្តិសមសម្រាប់កុមារនៅតាមតុលាការខេត្ត"),
    A("A3.3.2", "Clear the backlog of trafficking cases older than two years", "MOJ",
      ("AHTJP",), "2024-Q1", "2025-Q4", 60_000, BEHIND,
      name_km="ដោះស្រាយសំណុំរឿងជួញដូរមនុស្សដែលកកស្ទះលើសពីពីរឆ្នាំ"),
    A("A3.3.3", "Legal aid for survivors at trial", "MOJ",
      ("LICADHO", "IJM"), "2024-Q1", "2028-Q4", 110_000,
      name_km="ជំនួយផ្លូវច្បាប់សម្រាប់ជនរួចផុតពីការជួញដូរក្នុងការជំនុំជម្រះក្តី"),
    A("A3.4.1", "Joint investigation protocol with Thailand and Viet Nam", "MOI",
      ("MFAIC", "AHTJP"), "2024-Q1", "2025-Q2", 20_000, FAR_BEHIND,
      name_km="ពិធីសារស្តីពីការស៊ើបអង្កេតរួមគ្នាជាមួយប្រទេសថៃ និងវៀតណាម"),
    A("A3.4.2", "Labour attachés in the embassies in Bangkok, Kuala Lumpur and Seoul", "MFAIC",
      ("MOLVT",), "2024-Q3", "2026-Q4", 80_000,
      name_km="អតាសេការងារនៅស្ថានឯកអគ្គរាជទូតប្រចាំទីក្រុងបាងកក កូឡាឡាំពួរ និងសេអ៊ូល"),
    A("A3.4.3", "Regional conference on trafficking into online scam compounds", "MFAIC",
      ("UNODC", "MOI"), "2025-Q1", "2025-Q4", 45_000, cancelled_in="2025-Q3",
      name_km="សន្និសីទថ្នាក់តំបន់ស្តីពីការជួញដូរមនុស្សទៅកាន់ទីតាំងបោកប្រាស់តាមអនឡាញ"),
    A("A4.1.1", "Train provincial victim-identification teams", "MOSVY",
      ("IOM", "CHAB-DAI", "PCCT-01", "PCCT-02", "PCCT-17"), "2024-Q1", "2026-Q4", 120_000,
      name_km="បណ្តុះបណ្តាលក្រុមកំណត់អត្តសញ្ញាណជនរងគ្រោះថ្នាក់ខេត្ត"),
    A("A4.1.2", "Screen deportees at Poipet and Bavet for signs of trafficking", "GDI",
      ("MOSVY", "IOM", "PCCT-01", "PCCT-20"), "2024-Q1", "2028-Q4", 90_000, BEHIND,
      name_km="ពិនិត្យពលរដ្ឋដែលត្រូវបានបណ្តេញត្រឡប់មកវិញនៅច្រកប៉ោយប៉ែត និងបាវិត ដើម្បីរកសញ្ញានៃការជួញដូរមនុស្ស"),
    A("A4.1.3", "National referral database for survivors", "MOSVY",
      ("MPTC", "WINROCK"), "2025-Q1", "2026-Q4", 70_000, FAR_BEHIND,
      name_km="មូលដ្ឋានទិន្នន័យជាតិសម្រាប់ការបញ្ជូនជនរួចផុតពីការជួញដូរ"),
    A("A4.2.1", "Inspect shelters against the minimum standards of care", "MOSVY",
      ("CARITAS", "TDH-NL"), "2024-Q1", "2028-Q4", 40_000,
      name_km="ត្រួតពិនិត្យទីជម្រកធៀបនឹងស្តង់ដារអប្បបរមានៃការថែទាំ"),
    A("A4.2.2", "Revise the minimum standards for shelters", "MOSVY",
      ("MOWA", "UNICEF"), "2024-Q3", "2025-Q4", 25_000, BEHIND,
      name_km="កែសម្រួលស្តង់ដារអប្បបរមាសម្រាប់ទីជម្រក"),
    A("A4.2.3", "Mental health care for survivors in provincial hospitals", "MOH",
      ("MOSVY", "TDH-NL"), "2025-Q1", "2027-Q4", 85_000,
      name_km="ការថែទាំសុខភាពផ្លូវចិត្តសម្រាប់ជនរួចផុតពីការជួញដូរនៅមន្ទីរពេទ្យខេត្ត"),
    A("A4.3.1", "Repatriate survivors from Thailand, Malaysia and Myanmar", "MFAIC",
      ("MOSVY", "GDI", "IOM"), "2024-Q1", "2028-Q4", 300_000,
      name_km="ធ្វើមាតុភូមិនិវត្តន៍ជនរួចផុតពីការជួញដូរពីប្រទេសថៃ ម៉ាឡេស៊ី និងមីយ៉ាន់ម៉ា"),
    A("A4.3.2", "Vocational training and start-up kits for survivors", "MOLVT",
      ("MOSVY", "CARITAS", "WINROCK"), "2024-Q2", "2027-Q4", 160_000,
      name_km="ការបណ្តុះបណ្តាលវិជ្ជាជីវៈ និងសម្ភារៈចាប់ផ្តើមមុខរបរសម្រាប់ជនរួចផុតពីការជួញដូរ"),
    A("A4.3.3", "Set up a compensation fund for survivors", "MEF",
      ("MOJ", "MOSVY"), "2025-Q1", "2026-Q4", 100_000, FAR_BEHIND,
      name_km="បង្កើតមូលនិធិសំណងសម្រាប់ជនរួចផុតពីការជួញដូរ"),
    A("A4.3.4", "Follow-up visits to reintegrated survivors", "MOSVY",
      ("CHAB-DAI", "PCCT-07", "PCCT-14", "PCCT-21"), "2024-Q1", "2028-Q4", 65_000,
      name_km="ការចុះតាមដានជនរួចផុតពីការជួញដូរដែលបានធ្វើសមាហរណកម្ម"),
    A("A4.3.5", "Family tracing for child survivors", "MOSVY",
      ("UNICEF", "MOWA"), "2026-Q3", "2028-Q4", 55_000,
      name_km="ការស្វែងរកក្រុមគ្រួសារសម្រាប់កុមាររួចផុតពីការជួញដូរ"),
]


# Organisations that sent no report for a quarter (the demo's reporting gaps).
MISSED_QUARTERS = {
    "PCCT-11": ("2025-Q1",),
    "PCCT-16": ("2024-Q3", "2025-Q4"),
    "PCCT-19": ("2026-Q1",),
    "PCCT-23": ("2024-Q2",),
    "MOEYS": ("2025-Q3",),
    "MPTC": ("2026-Q2",),
}


# Where each organisation's 2026-Q3 report stands; the others have not started one.
OPEN_PERIOD_STATES = {
    "MOI": ReportState.RETURNED,
    "PCCT-07": ReportState.RETURNED,
    **dict.fromkeys(("MOJ", "MOSVY", "AHTJP", "MFAIC", "NMP"), ReportState.SUBMITTED),
    **dict.fromkeys([f"PCCT-{n:02d}" for n in range(1, 11) if n != 7], ReportState.SUBMITTED),
    **dict.fromkeys(("MOLVT", "GDI", "MOWA", "PCCT-12", "PCCT-14", "PCCT-17"), ReportState.DRAFT),
}


RETURN_COMMENTS = {
    "MOI": "People reached fell by half since last quarter: please add a note saying why, "
    "or correct the figure.",
    "PCCT-07": "Please attach the minutes of the coordination meetings you report.",
}


# A few approved reports went back once before approval.
EARLIER_RETURN_COMMENTS = [
    "The figures by sex do not match those in your provincial summary: please check.",
    "Please add a note for the large change in this quarter's figure.",
    "Two activities are marked completed without a note on the result: please add one.",
]


# "Explain the gap": a reason an indicator is behind, and the corrective action
# that answers that reason. A report gives one pair, never a reason with another's action.
GAP_EXPLANATIONS = [
    (
        "Funds for the quarter were released late.",
        "Ask the Ministry of Economy and Finance to release next quarter's funds on time.",
    ),
    (
        "Provincial staff were reassigned to other duties for part of the quarter.",
        "Assign a second officer to this work in each province.",
    ),
    (
        "The partner-funded project that paid for this ended and a new one has not started.",
        "Agree a joint work plan with the partners at the next NCCT meeting.",
    ),
    (
        "Cases moved slowly because key witnesses had returned abroad.",
        "Ask the embassies to help the courts hear witnesses abroad by video link.",
    ),
    (
        "Floods cut the roads to several districts for most of the quarter.",
        "Make up the visits the floods prevented in the next quarter, with the district offices.",
    ),
]


OUTLIER_NOTE = "Checked with the office that reported it: the figure is correct."


ACTIVITY_NOTES = {
    ActivityStatus.NOT_STARTED: "Waiting for the budget to be released.",
    ActivityStatus.IN_PROGRESS: "Going as planned.",
    ActivityStatus.DELAYED: "Behind schedule: waiting for partner funding.",
    ActivityStatus.COMPLETED: "Done; the result is in the annual report.",
    ActivityStatus.CANCELLED: "Cancelled: the host country postponed it indefinitely.",
}


# The mid-term review of July 2026 revised two indicators' targets for the years left.
MID_TERM_REVIEW = "Mid-term review 2026"


MID_TERM_REVIEWED_AT = datetime.datetime(2026, 7, 15, 9, 0, tzinfo=datetime.UTC)


TARGET_REVISIONS = (
    (
        "I2.4.1",
        {2026: 120, 2027: 140, 2028: 150},
        "Online scam compounds spread far faster than the plan assumed in 2023; the review asked "
        "the police and the border and coastal provinces to inspect every site reported.",
    ),
    (
        "I4.3.5",
        {2026: 300, 2027: 310, 2028: 320},
        "Two donor-funded training centres closed in 2025; the review set the targets to what the "
        "remaining centres can take.",
    ),
)
