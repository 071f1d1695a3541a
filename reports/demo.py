"""The demo plan: NCCT's National Strategic Plan 2024–2028 with made-up figures.

The tables at the top are the content (from shared/domain.md: institutions,
provinces, the indicators such plans use, real figures for plausible values).
The functions below them write it, creating only what is missing (by code), so
that a second run changes nothing.

The quarterly figures follow each indicator's expected trajectory (the scoring
rule, spec/scoring.md) times a fixed *pace*, with a little seeded noise, so the
dashboards show a believable mix of on-track, at-risk and off-track results.
Everything here is demonstration data, not NCCT's official plan or figures.

``scale`` > 1 builds a separate benchmark plan with N copies of every
objective, indicator and activity, each copy reported by its own copies of the
reporting organisations: about N times the rows, for load tests.
"""

import datetime
import random
import secrets
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from django.db import transaction
from django.utils import timezone

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    Category,
    Dimension,
    DisaggregatedValue,
    Frequency,
    Indicator,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
    TargetRevision,
    activity_update_errors,
    cell_key,
    target_errors,
    value_errors,
)
from plans.models import Organisation, OrganisationKind, Plan, ReportingPeriod, Role, User, normalise_text
from plans.services import audit_record, plan_save, user_save
from strategies.models import Activity, Objective, Pillar

# --- The plan -------------------------------------------------------------------

PLAN_CODE = "NSP-2024-2028"
PLAN_NAME = "National Strategic Plan on Combating Human Trafficking 2024–2028"
# (guess) Composed from "strategic plan" and "human trafficking" in domain.md.
PLAN_NAME_KM = "ផែនការយុទ្ធសាស្ត្រជាតិស្តីពីការប្រយុទ្ធប្រឆាំងអំពើជួញដូរមនុស្ស ២០២៤–២០២៨"
FIRST_YEAR, LAST_YEAR = 2024, 2028

# Quarters with approved figures, and the quarter whose reports are still in the
# workflow (some drafts, some submitted, some returned).
FIRST_APPROVED, LAST_APPROVED = "2024-Q1", "2026-Q2"
OPEN_PERIOD = "2026-Q3"

# --- Organisations --------------------------------------------------------------
# (code, English name, Khmer name). Khmer names marked (guess) are not confirmed
# in domain.md; they are fine for demo data, not to be shown as official.

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

PARTNERS = [
    ("IOM", "International Organization for Migration (IOM)", ""),
    ("UNODC", "United Nations Office on Drugs and Crime (UNODC)", ""),
    ("UNICEF", "UNICEF Cambodia", ""),
    ("IJM", "International Justice Mission", ""),
    ("CHAB-DAI", "Chab Dai Coalition", ""),
    ("APLE", "Action Pour Les Enfants (APLE)", ""),
    ("LICADHO", "LICADHO", ""),
    ("TDH-NL", "Terre des Hommes Netherlands", ""),
    ("CARITAS", "Caritas Cambodia", ""),
    ("WINROCK", "Winrock International (CTIP programme)", ""),
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

# --- Users: one per role ------------------------------------------------------------
# MOI chairs the NCCT and leads the most indicators: the focal point's report is
# the fullest one to try the form with.

DEMO_USERS = [
    (Role.SECRETARIAT_ADMIN, "admin", "NCCT-GS"),
    (Role.SECRETARIAT_REVIEWER, "reviewer", "NCCT-GS"),
    (Role.FOCAL_POINT, "focal", "MOI"),
    (Role.PARTNER, "partner", "IOM"),
]

# --- Disaggregation -------------------------------------------------------------------
# (code, English, Khmer (guess)), categories in display order, and the share of
# each category used to split a total into cells (from the victim figures in
# domain.md: 44 % minors; the female share is set per indicator).

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

# --- Pillars and objectives -----------------------------------------------------------
# Pillar Khmer names are our translation (guess).

PILLARS = [
    ("P1", "Laws, policies and legal standards", "ច្បាប់ គោលនយោបាយ និងបទដ្ឋានគតិយុត្ត"),
    (
        "P2",
        "Prevention of human trafficking and child sexual abuse",
        "ការបង្ការការជួញដូរមនុស្ស និងការរំលោភបំពានផ្លូវភេទលើកុមារ",
    ),
    ("P3", "Criminal justice against trafficking and sexual exploitation", "យុត្តិធម៌ព្រហ្មទណ្ឌ"),
    ("P4", "Protection of survivors", "កិច្ចការពារជនរងគ្រោះ"),
]

# The pillar is the objective code's first digit: O2.3 belongs to P2.
OBJECTIVES = [
    ("O1.1", "Laws and regulations against trafficking updated and enforced"),
    ("O1.2", "Inter-ministerial procedures for identification and referral in force"),
    ("O1.3", "The plan resourced, coordinated and monitored"),
    ("O2.1", "Communities, students and young people know the risks"),
    ("O2.2", "Safe labour migration and inspected workplaces"),
    ("O2.3", "Reports of suspected trafficking acted on quickly"),
    ("O2.4", "Online sexual exploitation of children and scam compounds curbed"),
    ("O3.1", "Police, prosecutors and judges trained"),
    ("O3.2", "Cases investigated and suspects sent to court"),
    ("O3.3", "Trials completed fairly and in good time"),
    ("O3.4", "International cooperation in investigations and prosecutions"),
    ("O4.1", "Victims identified and referred to services"),
    ("O4.2", "Survivors sheltered and cared for to national standards"),
    ("O4.3", "Survivors repatriated, reintegrated and compensated"),
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

    @property
    def objective(self) -> str:
        return "O" + self.code[1:].rsplit(".", 1)[0]

    def target(self, year: int) -> float:
        return self.targets[year - FIRST_YEAR]


def indicator(code, name, kind, unit, baseline, targets, lead, **extra) -> IndicatorRow:
    """``kind`` reads "MEASURE AGGREGATION DIRECTION FREQUENCY", e.g. "NUMBER SUM INCREASE QUARTERLY"."""
    measure, aggregation, direction, frequency = kind.split()
    return IndicatorRow(
        code, name, measure, aggregation, direction, frequency, unit, baseline, targets, lead, **extra
    )


EVERY_YEAR_100 = (100, 100, 100, 100, 100)

# fmt: off
INDICATORS = [
    # Pillar 1: laws, policies and legal standards
    indicator("I1.1.1", "Laws, sub-decrees, prakas and guidelines on trafficking adopted",
              "NUMBER SUM INCREASE ANNUAL", "texts", 0, (3, 4, 4, 3, 3), "MOJ",
              contributors=("MOI", "MOSVY", "MOLVT")),
    indicator("I1.1.2", "Draft amendment to the 2008 Law on Suppression of Human Trafficking and "
              "Sexual Exploitation sent to the Council of Ministers",
              "MILESTONE LATEST INCREASE ANNUAL", "", 0, (0, 0, 1, 1, 1), "MOJ"),
    indicator("I1.1.3", "Provinces with a provincial action plan against trafficking",
              "NUMBER LATEST INCREASE ANNUAL", "provinces", 10, (14, 18, 21, 24, 25), "MOI"),
    indicator("I1.2.1", "Inter-ministerial guideline on victim identification revised",
              "MILESTONE LATEST INCREASE QUARTERLY", "", 0, (1, 1, 1, 1, 1), "MOSVY"),
    indicator("I1.2.2", "Provincial committees using the national referral procedures",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 40, (50, 60, 70, 80, 90), "MOSVY", pace=BEHIND),
    indicator("I1.2.3", "Bilateral agreements and memoranda on trafficking in force",
              "NUMBER LATEST INCREASE ANNUAL", "agreements", 8, (9, 10, 11, 12, 13), "MFAIC"),
    indicator("I1.3.1", "Plan budget executed, % of allocated",
              "PERCENT LATEST INCREASE ANNUAL", "%", 55, (60, 65, 70, 75, 80), "MEF", pace=FAR_BEHIND),
    indicator("I1.3.2", "Coordination meetings of the NCCT and the provincial committees held",
              "NUMBER SUM INCREASE QUARTERLY", "meetings", 0, (104, 104, 104, 104, 104), "MOI",
              contributors=ALL_PROVINCES),
    indicator("I1.3.3", "Annual inter-ministerial work plan delivered, % of the year's plan",
              "PERCENT SUM INCREASE QUARTERLY", "percentage points", 0, EVERY_YEAR_100, "MOI", pace=BEHIND),
    indicator("I1.3.4", "Provincial plan activities funded only by partners",
              "PERCENT LATEST DECREASE ANNUAL", "%", 70, (65, 60, 55, 50, 45), "MEF", pace=BEHIND),
    indicator("I1.3.5", "Monitoring visits to provinces carried out, % of the year's plan",
              "PERCENT SUM INCREASE ANNUAL", "percentage points", 0, EVERY_YEAR_100, "MOI"),
    # Pillar 2: prevention
    indicator("I2.1.1", "Awareness events held on trafficking and safe migration",
              "NUMBER SUM INCREASE QUARTERLY", "events", 0, (1200, 1250, 1300, 1350, 1400), "MOI",
              contributors=("MOWA", "MOEYS", "MINFO", *ALL_PROVINCES)),
    indicator("I2.1.2", "People reached by awareness events",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (150000, 160000, 170000, 180000, 190000), "MOI",
              contributors=("MOWA", "MOEYS", *ALL_PROVINCES), by=("sex", "age_group"), female=0.55,
              pace=AHEAD),
    indicator("I2.1.3", "Schools teaching the trafficking and safe-migration module",
              "NUMBER LATEST INCREASE ANNUAL", "schools", 300, (450, 600, 800, 1000, 1200), "MOEYS",
              pace=BEHIND),
    indicator("I2.1.4", "Students who completed the trafficking and safe-migration module",
              "NUMBER SUM INCREASE ANNUAL", "students", 0, (40000, 50000, 60000, 70000, 80000), "MOEYS",
              by=("sex",)),
    indicator("I2.2.1", "Labour inspections of high-risk workplaces",
              "NUMBER SUM INCREASE QUARTERLY", "inspections", 0, (800, 900, 1000, 1100, 1200), "MOLVT"),
    indicator("I2.2.2", "Licensed recruitment agencies inspected in the year",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 35, (45, 55, 65, 75, 85), "MOLVT"),
    indicator("I2.2.3", "Migrant workers given pre-departure orientation",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (20000, 22000, 24000, 26000, 28000), "MOLVT",
              by=("sex",), female=0.45, pace=BEHIND),
    indicator("I2.2.4", "Unlicensed recruitment agencies known to be operating",
              "NUMBER LATEST DECREASE QUARTERLY", "agencies", 60, (50, 40, 30, 20, 10), "MOLVT",
              pace=FAR_BEHIND),
    indicator("I2.3.1", "Hotline calls acted on",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 62, (70, 75, 80, 85, 90), "AHTJP"),
    indicator("I2.3.2", "Hotline reports of suspected trafficking received",
              "NUMBER SUM INCREASE QUARTERLY", "reports", 0, (1000, 1100, 1200, 1300, 1400), "AHTJP",
              contributors=("MOSVY",), pace=AHEAD),
    indicator("I2.3.3", "Average days to act on a hotline report",
              "NUMBER LATEST DECREASE QUARTERLY", "days", 12, (10, 8, 6, 5, 4), "AHTJP", pace=BEHIND),
    indicator("I2.4.1", "Suspected online scam compounds inspected",
              "NUMBER SUM INCREASE QUARTERLY", "sites", 0, (60, 70, 80, 80, 80), "MOI",
              contributors=("NMP", "GDI", "PCCT-09", "PCCT-18", "PCCT-24")),
    indicator("I2.4.2", "Web pages and accounts showing child sexual abuse taken down",
              "NUMBER SUM INCREASE QUARTERLY", "pages and accounts", 0, (400, 450, 500, 550, 600), "MPTC",
              contributors=("AHTJP",), pace=FAR_BEHIND),
    indicator("I2.4.3", "Internet service providers applying the child online protection code",
              "PERCENT LATEST INCREASE ANNUAL", "%", 20, (30, 45, 60, 75, 90), "MPTC", pace=BEHIND),
    indicator("I2.4.4", "Hotels and guesthouses in Siem Reap and Preah Sihanouk certified child-safe",
              "PERCENT LATEST INCREASE ANNUAL", "%", 15, (25, 35, 45, 55, 65), "MOT", pace=FAR_BEHIND),
    # Pillar 3: criminal justice
    indicator("I3.1.1", "Officials trained on trafficking law and victim identification",
              "NUMBER SUM INCREASE QUARTERLY", "officials", 0, (2000, 2000, 2200, 2200, 2400), "MOJ",
              contributors=("MOI", "AHTJP", "NMP", "GDI", "MOSVY", "MOLVT"), by=("sex",), female=0.25),
    indicator("I3.1.2", "Judges and prosecutors trained on trafficking cases",
              "NUMBER SUM INCREASE ANNUAL", "people", 0, (120, 120, 120, 120, 120), "MOJ",
              by=("sex",), female=0.3),
    indicator("I3.1.3", "Provinces with a trained anti-trafficking police unit",
              "PERCENT LATEST INCREASE QUARTERLY", "% of provinces", 48, (60, 70, 80, 90, 100), "AHTJP"),
    indicator("I3.2.1", "Trafficking and sexual-exploitation cases investigated",
              "NUMBER SUM INCREASE QUARTERLY", "cases", 164, (200, 210, 220, 230, 240), "AHTJP",
              contributors=("NMP", "GDI"),
              # (guess) our translation
              name_km="ករណីជួញដូរមនុស្ស និងអាជីវកម្មផ្លូវភេទដែលត្រូវបានស៊ើបអង្កេត"),
    indicator("I3.2.2", "Suspects sent to court",
              "NUMBER SUM INCREASE QUARTERLY", "people", 194, (270, 280, 290, 300, 310), "AHTJP",
              contributors=("NMP",), by=("sex",), female=0.3,
              name_km="ជនសង្ស័យដែលត្រូវបានបញ្ជូនទៅតុលាការ"),  # (guess)
    indicator("I3.2.3", "Cases investigated jointly with foreign police",
              "NUMBER SUM INCREASE ANNUAL", "cases", 0, (15, 18, 20, 22, 25), "AHTJP",
              contributors=("GDI",), pace=FAR_BEHIND),
    indicator("I3.3.1", "Defendants convicted of trafficking or sexual exploitation",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (200, 210, 220, 230, 240), "MOJ",
              by=("sex",), female=0.3, pace=BEHIND,
              name_km="ជនជាប់ចោទដែលត្រូវបានផ្តន្ទាទោស"),  # (guess)
    indicator("I3.3.2", "Court backlog of trafficking cases",
              "NUMBER LATEST DECREASE QUARTERLY", "cases", 420, (380, 340, 300, 260, 220), "MOJ"),
    indicator("I3.3.3", "Trafficking cases decided within 12 months",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 45, (50, 55, 60, 65, 70), "MOJ", pace=BEHIND),
    indicator("I3.3.4", "Cases dismissed for lack of evidence",
              "PERCENT LATEST DECREASE QUARTERLY", "%", 30, (28, 25, 22, 20, 18), "MOJ"),
    indicator("I3.4.1", "Mutual legal assistance requests answered within six months",
              "PERCENT LATEST INCREASE ANNUAL", "%", 40, (50, 60, 70, 75, 80), "MFAIC"),
    indicator("I3.4.2", "Extradition and legal assistance requests pending over a year",
              "NUMBER LATEST DECREASE ANNUAL", "requests", 25, (22, 18, 15, 12, 10), "MOJ", pace=BEHIND),
    indicator("I3.4.3", "Memorandum on joint investigations with Thailand signed",
              "MILESTONE LATEST INCREASE ANNUAL", "", 0, (0, 1, 1, 1, 1), "MOI", pace=FAR_BEHIND),
    # Pillar 4: protection of survivors
    indicator("I4.1.1", "Victims identified",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (520, 540, 560, 580, 600), "MOSVY",
              contributors=("AHTJP", "NMP", "GDI", "MFAIC"), by=("sex", "age_group"), female=0.8,
              name_km="ជនរងគ្រោះដែលត្រូវបានកំណត់អត្តសញ្ញាណ"),  # (guess)
    indicator("I4.1.2", "Identified victims referred to services",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 70, (75, 80, 85, 90, 95), "MOSVY"),
    indicator("I4.1.3", "Provincial committees with a trained victim-identification team",
              "NUMBER LATEST INCREASE QUARTERLY", "committees", 8, (12, 16, 20, 23, 25), "MOSVY",
              pace=BEHIND),
    indicator("I4.2.1", "Shelters meeting the minimum standards of care",
              "NUMBER LATEST INCREASE ANNUAL", "shelters", 18, (20, 22, 24, 26, 28), "MOSVY"),
    indicator("I4.2.2", "Survivors receiving psychosocial counselling",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (800, 850, 900, 950, 1000), "MOSVY",
              contributors=("MOH", "MOWA"), by=("sex", "age_group"), female=0.8),
    indicator("I4.2.3", "Survivors waiting more than 30 days for a shelter place",
              "NUMBER LATEST DECREASE QUARTERLY", "people", 40, (32, 25, 18, 12, 8), "MOSVY",
              by=("sex",), female=0.85, pace=FAR_BEHIND),
    indicator("I4.2.4", "National minimum standards for shelters revised and adopted",
              "MILESTONE LATEST INCREASE QUARTERLY", "", 0, (0, 0, 1, 1, 1), "MOSVY"),
    indicator("I4.3.1", "Survivors repatriated",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (1000, 1000, 1100, 1100, 1200), "MFAIC",
              contributors=("MOSVY", "GDI"), by=("sex",),
              name_km="ជនរងគ្រោះដែលត្រូវបានធ្វើមាតុភូមិនិវត្តន៍"),  # (guess)
    indicator("I4.3.2", "Survivors receiving compensation",
              "NUMBER SUM INCREASE ANNUAL", "people", 0, (30, 40, 50, 60, 70), "MOJ",
              by=("sex",), female=0.8, pace=FAR_BEHIND),
    indicator("I4.3.3", "Reintegrated survivors followed up after 12 months",
              "PERCENT LATEST INCREASE QUARTERLY", "%", 50, (55, 60, 65, 70, 75), "MOSVY"),
    indicator("I4.3.4", "Survivors trafficked again within two years",
              "PERCENT LATEST DECREASE ANNUAL", "%", 8, (7, 6, 5, 4, 3), "MOSVY"),
    indicator("I4.3.5", "Survivors given vocational training",
              "NUMBER SUM INCREASE QUARTERLY", "people", 0, (300, 320, 340, 360, 380), "MOLVT",
              contributors=("MOSVY", "MOWA"), by=("sex",), female=0.75, pace=BEHIND),
]
# fmt: on

# --- Activities ---------------------------------------------------------------------------


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

    @property
    def objective(self) -> str:
        return "O" + self.code[1:].rsplit(".", 1)[0]


A = ActivityRow
# fmt: off
ACTIVITIES = [
    A("A1.1.1", "Draft the amendment to the 2008 trafficking law, with public consultations", "MOJ",
      ("MOI", "MOSVY", "UNODC"), "2024-Q1", "2025-Q4", 85_000),
    A("A1.1.2", "Draft a sub-decree on compensation for survivors", "MOJ",
      ("MEF", "MOSVY"), "2024-Q3", "2026-Q2", 40_000, BEHIND),
    A("A1.1.3", "Explain the new laws and prakas to provincial courts and police", "MOI",
      ("MOJ", "AHTJP"), "2025-Q1", "2027-Q4", 60_000),
    A("A1.2.1", "Revise the inter-ministerial guideline on victim identification", "MOSVY",
      ("MOI", "MOJ", "IOM"), "2024-Q1", "2024-Q4", 30_000),
    A("A1.2.2", "Print and send the revised referral procedures to the 25 provinces", "MOSVY",
      ("MOI", "UNICEF"), "2025-Q1", "2025-Q2", 18_000),
    A("A1.2.3", "Negotiate a labour-migration memorandum with Thailand", "MFAIC",
      ("MOLVT", "MOI"), "2024-Q2", "2026-Q4", 25_000, BEHIND),
    A("A1.3.1", "Hold the NCCT annual meeting and publish the annual report", "MOI",
      ("NCCT-GS",), "2024-Q1", "2028-Q4", 120_000),
    A("A1.3.2", "Set up online quarterly reporting for ministries and provinces", "MOI",
      ("MPTC", "NCCT-GS", "WINROCK"), "2024-Q2", "2025-Q2", 75_000),
    A("A1.3.3", "Review ministries' budget lines for plan activities", "MEF",
      ("MOP", "MOI"), "2024-Q1", "2024-Q4", 12_000, FAR_BEHIND),
    A("A1.3.4", "Mid-term review of the national strategic plan", "MOP",
      ("MOI", "NCCT-GS", "IOM", "UNODC"), "2026-Q1", "2026-Q4", 50_000),
    A("A2.1.1", "Safe-migration awareness campaign in the border provinces", "MOI",
      ("MOWA", "IOM", "PCCT-01", "PCCT-02", "PCCT-20"), "2024-Q1", "2028-Q4", 240_000),
    A("A2.1.2", "Radio and television spots on trafficking risks", "MINFO",
      ("MOWA", "UNICEF"), "2024-Q2", "2025-Q1", 45_000),
    A("A2.1.3", "Put trafficking and safe migration into the lower-secondary curriculum", "MOEYS",
      ("MOWA", "UNICEF"), "2024-Q1", "2026-Q4", 90_000, BEHIND),
    A("A2.1.4", "Performances on trafficking risks at the Water Festival", "MCFA",
      ("MINFO", "MOT"), "2024-Q4", "2024-Q4", 15_000),
    A("A2.2.1", "Train labour inspectors to recognise forced labour", "MOLVT",
      ("IOM", "WINROCK"), "2024-Q1", "2025-Q4", 70_000),
    A("A2.2.2", "Pre-departure centres in Prey Veng, Battambang and Banteay Meanchey", "MOLVT",
      ("PCCT-14", "PCCT-02", "PCCT-01", "IOM"), "2024-Q3", "2027-Q4", 180_000, BEHIND),
    A("A2.2.3", "Publish the register of licensed recruitment agencies online", "MOLVT",
      ("MPTC",), "2025-Q1", "2025-Q4", 20_000, FAR_BEHIND),
    A("A2.3.1", "Staff the 1288 hotline around the clock", "AHTJP",
      ("MPTC", "CHAB-DAI"), "2024-Q1", "2028-Q4", 150_000),
    A("A2.3.2", "Link the hotline to provincial response teams", "AHTJP",
      ("PCCT-02", "PCCT-12", "PCCT-17", "PCCT-18"), "2024-Q3", "2025-Q4", 35_000, BEHIND),
    A("A2.3.3", "Print the hotline number on every mobile operator's SIM pack", "MPTC",
      ("AHTJP",), "2025-Q3", "2026-Q2", 10_000, FAR_BEHIND),
    A("A2.4.1", "Joint inspections of suspected online scam compounds", "MOI",
      ("NMP", "GDI", "PCCT-09", "PCCT-18"), "2024-Q1", "2028-Q4", 200_000),
    A("A2.4.2", "Child online protection code for internet service providers", "MPTC",
      ("UNICEF", "APLE"), "2024-Q2", "2025-Q4", 40_000, BEHIND),
    A("A2.4.3", "Child-safe certification for hotels and guesthouses", "MOT",
      ("PCCT-17", "PCCT-18", "APLE"), "2024-Q1", "2026-Q4", 55_000, FAR_BEHIND),
    A("A2.4.4", "Train immigration officers at border checkpoints to spot trafficking", "GDI",
      ("IOM",), "2026-Q3", "2027-Q4", 65_000),
    A("A3.1.1", "Train police investigators on the trafficking law and victim interviews", "AHTJP",
      ("MOJ", "IJM", "UNODC"), "2024-Q1", "2027-Q4", 160_000),
    A("A3.1.2", "Train judges and prosecutors at the judicial academy", "MOJ",
      ("UNODC", "IJM"), "2024-Q1", "2028-Q4", 130_000),
    A("A3.1.3", "Add a trafficking module to the police academy's basic course", "AHTJP",
      ("MOI",), "2025-Q1", "2026-Q2", 25_000, BEHIND),
    A("A3.2.1", "Set up a specialised online-crime investigation unit", "AHTJP",
      ("MPTC", "UNODC"), "2024-Q2", "2026-Q4", 220_000, BEHIND),
    A("A3.2.2", "Case-tracking database shared by police and prosecutors", "MOJ",
      ("AHTJP", "IJM"), "2024-Q3", "2026-Q2", 95_000, FAR_BEHIND),
    A("A3.2.3", "Financial investigation training for trafficking cases", "NMP",
      ("MEF", "UNODC"), "2025-Q2", "2026-Q1", 30_000),
    A("A3.3.1", "Child-friendly interview rooms in provincial courts", "MOJ",
      ("UNICEF", "PCCT-12", "PCCT-02"), "2024-Q1", "2026-Q4", 140_000),
    A("A3.3.2", "Clear the backlog of trafficking cases older than two years", "MOJ",
      ("AHTJP",), "2024-Q1", "2025-Q4", 60_000, BEHIND),
    A("A3.3.3", "Legal aid for survivors at trial", "MOJ",
      ("LICADHO", "IJM"), "2024-Q1", "2028-Q4", 110_000),
    A("A3.4.1", "Joint investigation protocol with Thailand and Viet Nam", "MOI",
      ("MFAIC", "AHTJP"), "2024-Q1", "2025-Q2", 20_000, FAR_BEHIND),
    A("A3.4.2", "Labour attachés in the embassies in Bangkok, Kuala Lumpur and Seoul", "MFAIC",
      ("MOLVT",), "2024-Q3", "2026-Q4", 80_000),
    A("A3.4.3", "Regional conference on trafficking into online scam compounds", "MFAIC",
      ("UNODC", "MOI"), "2025-Q1", "2025-Q4", 45_000, cancelled_in="2025-Q3"),
    A("A4.1.1", "Train provincial victim-identification teams", "MOSVY",
      ("IOM", "CHAB-DAI", "PCCT-01", "PCCT-02", "PCCT-17"), "2024-Q1", "2026-Q4", 120_000),
    A("A4.1.2", "Screen deportees at Poipet and Bavet for signs of trafficking", "GDI",
      ("MOSVY", "IOM", "PCCT-01", "PCCT-20"), "2024-Q1", "2028-Q4", 90_000, BEHIND),
    A("A4.1.3", "National referral database for survivors", "MOSVY",
      ("MPTC", "WINROCK"), "2025-Q1", "2026-Q4", 70_000, FAR_BEHIND),
    A("A4.2.1", "Inspect shelters against the minimum standards of care", "MOSVY",
      ("CARITAS", "TDH-NL"), "2024-Q1", "2028-Q4", 40_000),
    A("A4.2.2", "Revise the minimum standards for shelters", "MOSVY",
      ("MOWA", "UNICEF"), "2024-Q3", "2025-Q4", 25_000, BEHIND),
    A("A4.2.3", "Mental health care for survivors in provincial hospitals", "MOH",
      ("MOSVY", "TDH-NL"), "2025-Q1", "2027-Q4", 85_000),
    A("A4.3.1", "Repatriate survivors from Thailand, Malaysia and Myanmar", "MFAIC",
      ("MOSVY", "GDI", "IOM"), "2024-Q1", "2028-Q4", 300_000),
    A("A4.3.2", "Vocational training and start-up kits for survivors", "MOLVT",
      ("MOSVY", "CARITAS", "WINROCK"), "2024-Q2", "2027-Q4", 160_000),
    A("A4.3.3", "Set up a compensation fund for survivors", "MEF",
      ("MOJ", "MOSVY"), "2025-Q1", "2026-Q4", 100_000, FAR_BEHIND),
    A("A4.3.4", "Follow-up visits to reintegrated survivors", "MOSVY",
      ("CHAB-DAI", "PCCT-07", "PCCT-14", "PCCT-21"), "2024-Q1", "2028-Q4", 65_000),
    A("A4.3.5", "Family tracing for child survivors", "MOSVY",
      ("UNICEF", "MOWA"), "2026-Q3", "2028-Q4", 55_000),
]
# fmt: on

# --- How the quarters went -------------------------------------------------------------------

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
GAP_REASONS = [
    "Funds for the quarter were released late.",
    "Provincial staff were reassigned to other duties for part of the quarter.",
    "The partner-funded project that paid for this ended and a new one has not started.",
    "Cases moved slowly because key witnesses had returned abroad.",
]
CORRECTIVE_ACTIONS = [
    "Ask the Ministry of Economy and Finance to release next quarter's funds on time.",
    "Agree a joint work plan with the partners at the next NCCT meeting.",
    "Assign a second officer to this work in each province.",
    "Raise it at the next meeting of the working group.",
]
OUTLIER_NOTE = "Checked with the office that reported it: the figure is correct."
ACTIVITY_NOTES = {
    ActivityStatus.NOT_STARTED: "Waiting for the budget to be released.",
    ActivityStatus.IN_PROGRESS: "Going as planned.",
    ActivityStatus.DELAYED: "Behind schedule: waiting for partner funding.",
    ActivityStatus.COMPLETED: "Done; the result is in the annual report.",
    ActivityStatus.CANCELLED: "Cancelled: the host country postponed it indefinitely.",
}

# --- Writing it ------------------------------------------------------------------------------

# Rows per INSERT: large enough to be fast, small enough for SQLite's parameter limit.
BATCH = 500
# Report timestamps are set in the capital's working day.
WORKDAY_START = datetime.time(8, 0)


@dataclass
class DemoLogin:
    role: str
    username: str
    organisation: str
    password: str | None  # None: an existing password was kept


@dataclass
class SeedResult:
    plan: Plan
    added: dict[str, int]  # what this run added, by kind of row
    totals: dict[str, int]
    reports_by_state: dict[str, int]
    logins: list[DemoLogin]


def plan_code_for_scale(scale: int) -> str:
    """The demo plan stays the demo plan; a benchmark plan gets a code of its own."""
    return PLAN_CODE if scale == 1 else f"{PLAN_CODE}-x{scale}"


def copy_code(code: str, copy: int) -> str:
    """Codes in benchmark copy ``copy``: the first copy keeps the demo's codes."""
    return code if copy == 1 else f"{code}-R{copy}"


def reporting_codes() -> list[str]:
    """Organisations that report: the leads and contributors of indicators and the
    leads of activities. Benchmark copies repeat these."""
    codes = {row.lead for row in INDICATORS} | {row.lead for row in ACTIVITIES}
    codes |= {code for row in INDICATORS for code in row.contributors}
    return sorted(codes)


def demo_seed(*, scale: int = 1, reset_passwords: bool = False) -> SeedResult:
    """Load the demo plan (or, with ``scale`` > 1, a benchmark plan N times as large).

    Creates only what is missing, by code, so running it again changes nothing.
    """
    if scale < 1:
        raise ValueError("The scale must be 1 or more.")
    created: Counter = Counter()
    with transaction.atomic():
        organisations = organisations_ensure(scale=scale, created=created)
        users, logins = demo_users_ensure(
            organisations=organisations, reset_passwords=reset_passwords, created=created
        )
        plan = plan_ensure(scale=scale, created=created)
        dimensions_ensure(created=created)
        tree = plan_tree_ensure(plan=plan, organisations=organisations, scale=scale, created=created)
        figures_ensure(plan=plan, tree=tree, users=users, created=created)
        target_revisions_ensure(tree=tree, admin=users[Role.SECRETARIAT_ADMIN], created=created)
        added = {label: count for label, count in created.items() if count}
        # A run that adds nothing leaves no trace, not even in the audit trail.
        if added:
            audit_record(
                actor=None,
                action="demo.seed",
                target=plan,
                plan=plan,
                details={"scale": scale, "added": added},
            )
    return SeedResult(
        plan=plan,
        added=added,
        totals=plan_totals(plan),
        reports_by_state=reports_by_state(plan),
        logins=logins,
    )


# --- Organisations and users --------------------------------------------------------------------


def organisation_rows(scale: int) -> list[OrganisationRow]:
    rows = list(ORGANISATIONS)
    by_code = {row.code: row for row in ORGANISATIONS}
    for copy in range(2, scale + 1):
        for code in reporting_codes():
            base = by_code[code]
            # Provincial-style committees, so the benchmark's extra reporters
            # do not pass for real ministries in lists of organisations.
            rows.append(
                OrganisationRow(
                    copy_code(code, copy),
                    OrganisationKind.PROVINCIAL_COMMITTEE,
                    f"{base.name} (benchmark copy {copy})",
                    base.name_km,
                )
            )
    return rows


def organisations_ensure(*, scale: int, created: Counter) -> dict[str, Organisation]:
    rows = organisation_rows(scale)
    existing = {o.code: o for o in Organisation.objects.filter(code__in=[row.code for row in rows])}
    missing = [
        Organisation(
            code=row.code, kind=row.kind, name=normalise_text(row.name), name_km=normalise_text(row.name_km)
        )
        for row in rows
        if row.code not in existing
    ]
    Organisation.objects.bulk_create(missing, batch_size=BATCH)
    created["organisations"] += len(missing)
    existing.update({o.code: o for o in missing})
    return existing


def new_password() -> str:
    # No 0/O or 1/l/I: these are read off a terminal and typed in.
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(14))


def demo_users_ensure(
    *, organisations: dict[str, Organisation], reset_passwords: bool, created: Counter
) -> tuple[dict[str, User], list[DemoLogin]]:
    """One user per role. A new user gets a random password, printed once; an
    existing one keeps theirs unless ``reset_passwords``."""
    users, logins = {}, []
    existing = {u.username: u for u in User.objects.filter(username__in=[u for _, u, _ in DEMO_USERS])}
    for role, username, org_code in DEMO_USERS:
        organisation = organisations[org_code]
        user = existing.get(username)
        password = None
        if user is None or reset_passwords or not user.has_usable_password():
            password = new_password()
        if password or user.role != role or user.organisation_id != organisation.pk:
            user, was_created = user_save(
                actor=None,
                username=username,
                role=role,
                organisation=organisation,
                password=password,
                email=f"{username}@example.org",
            )
            created["users" if was_created else "users_updated"] += 1
        users[role] = user
        logins.append(DemoLogin(role, username, org_code, password))
    return users, logins


# --- The plan and its tree ----------------------------------------------------------------------


def plan_ensure(*, scale: int, created: Counter) -> Plan:
    code = plan_code_for_scale(scale)
    plan = Plan.objects.filter(code=code).first()
    if plan is not None:
        return plan
    if scale == 1:
        name, name_km, public = PLAN_NAME, PLAN_NAME_KM, True
    else:
        name, name_km, public = f"{PLAN_NAME} (benchmark, {scale}× the demo plan)", "", False
    plan = Plan(
        code=code,
        name=name,
        name_km=normalise_text(name_km),
        start_year=FIRST_YEAR,
        end_year=LAST_YEAR,
        is_public=public,
    )
    created["plans"] += 1
    # plan_save validates, lays out the 20 quarters and records the audit event.
    return plan_save(actor=None, plan=plan)


def dimensions_ensure(*, created: Counter) -> dict[str, Dimension]:
    dimensions = {}
    for code, (name, name_km, categories) in DIMENSIONS.items():
        dimension, was_created = Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "name_km": normalise_text(name_km)}
        )
        created["dimensions"] += was_created
        for position, (cat_code, cat_name, cat_km) in enumerate(categories):
            _, was_created = Category.objects.get_or_create(
                dimension=dimension,
                code=cat_code,
                defaults={"name": cat_name, "name_km": normalise_text(cat_km), "position": position},
            )
            created["categories"] += was_created
        dimensions[code] = dimension
    return dimensions


@dataclass
class SeededIndicator:
    indicator: Indicator
    row: IndicatorRow
    lead: str  # organisation codes, in this copy
    contributors: tuple


@dataclass
class SeededActivity:
    activity: Activity
    row: ActivityRow
    lead: str


@dataclass
class DemoTree:
    periods: list[ReportingPeriod]
    organisations: dict[str, Organisation]
    indicators: list[SeededIndicator] = field(default_factory=list)
    activities: list[SeededActivity] = field(default_factory=list)


def copy_organisation(code: str, copy: int, reporters: set[str]) -> str:
    """In a benchmark copy, reporting organisations are replaced by their copies;
    partners and the secretariat stay themselves."""
    return copy_code(code, copy) if code in reporters else code


def _model_clean(obj) -> None:
    """The model's own rules (clean() and field checks), without a database query
    per foreign key: the seed has just looked those rows up itself."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _create_missing(model, plan: Plan, wanted: list, created: Counter, label: str) -> dict:
    existing = {obj.code: obj for obj in model.objects.filter(plan=plan)}
    missing = [obj for obj in wanted if obj.code not in existing]
    for obj in missing:
        _model_clean(obj)
    model.objects.bulk_create(missing, batch_size=BATCH)
    created[label] += len(missing)
    existing.update({obj.code: obj for obj in missing})
    return existing


def _link_missing(through, left: str, right: str, pairs: set, plan: Plan, created: Counter, label: str):
    """Add the many-to-many rows (e.g. indicator → contributor) that are not there yet."""
    existing = set(through.objects.filter(**{f"{left}__plan": plan}).values_list(f"{left}_id", f"{right}_id"))
    missing = sorted(pairs - existing)
    through.objects.bulk_create(
        [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in missing], batch_size=BATCH
    )
    created[label] += len(missing)


def plan_tree_ensure(
    *, plan: Plan, organisations: dict[str, Organisation], scale: int, created: Counter
) -> DemoTree:
    periods = list(plan.periods.order_by("index"))
    tree = DemoTree(periods=periods, organisations=organisations)
    pillars = _create_missing(
        Pillar,
        plan,
        [
            Pillar(plan=plan, code=code, name=name, name_km=name_km, position=i)
            for i, (code, name, name_km) in enumerate(PILLARS, start=1)
        ],
        created,
        "pillars",
    )
    objectives = _create_missing(
        Objective,
        plan,
        [
            Objective(
                plan=plan,
                pillar=pillars["P" + code[1]],
                code=copy_code(code, copy),
                name=name,
                position=(copy - 1) * len(OBJECTIVES) + i,
            )
            for copy in range(1, scale + 1)
            for i, (code, name) in enumerate(OBJECTIVES, start=1)
        ],
        created,
        "objectives",
    )
    _indicators_ensure(plan, tree, objectives, scale, created)
    _activities_ensure(plan, tree, objectives, scale, created)
    return tree


def _indicators_ensure(plan, tree: DemoTree, objectives: dict, scale: int, created: Counter) -> None:
    reporters = set(reporting_codes())
    orgs = tree.organisations
    wanted = []
    for copy in range(1, scale + 1):
        for i, row in enumerate(INDICATORS, start=1):
            lead = copy_organisation(row.lead, copy, reporters)
            contributors = tuple(copy_organisation(c, copy, reporters) for c in row.contributors)
            obj = Indicator(
                plan=plan,
                objective=objectives[copy_code(row.objective, copy)],
                code=copy_code(row.code, copy),
                name=row.name,
                name_km=row.name_km,
                measure=row.measure,
                aggregation=row.aggregation,
                direction=row.direction,
                frequency=row.frequency,
                unit=row.unit,
                baseline=Decimal(row.baseline),
                baseline_year=FIRST_YEAR - 1,
                lead=orgs[lead],
                position=(copy - 1) * len(INDICATORS) + i,
            )
            wanted.append(obj)
            tree.indicators.append(SeededIndicator(obj, row, lead, contributors))
    saved = _create_missing(Indicator, plan, wanted, created, "indicators")
    for seeded in tree.indicators:
        seeded.indicator = saved[seeded.indicator.code]

    targets_wanted = []
    for seeded in tree.indicators:
        for year in plan.years:
            value = Decimal(seeded.row.target(year))
            assert not target_errors(seeded.indicator, year, value), (seeded.row.code, year)
            targets_wanted.append((seeded.indicator.pk, year, value))
    have = set(Target.objects.filter(indicator__plan=plan).values_list("indicator_id", "year"))
    missing = [Target(indicator_id=i, year=y, value=v) for i, y, v in targets_wanted if (i, y) not in have]
    Target.objects.bulk_create(missing, batch_size=BATCH)
    created["targets"] += len(missing)

    contributor_pairs = {(s.indicator.pk, orgs[c].pk) for s in tree.indicators for c in s.contributors}
    _link_missing(
        Indicator.contributors.through,
        "indicator",
        "organisation",
        contributor_pairs,
        plan,
        created,
        "indicator_contributors",
    )
    dimensions = {d.code: d.pk for d in Dimension.objects.filter(code__in=DIMENSIONS)}
    dimension_pairs = {(s.indicator.pk, dimensions[d]) for s in tree.indicators for d in s.row.by}
    _link_missing(
        Indicator.disaggregation.through,
        "indicator",
        "dimension",
        dimension_pairs,
        plan,
        created,
        "indicator_dimensions",
    )


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


def target_revisions_ensure(*, tree: DemoTree, admin: User, created: Counter) -> None:
    """The demo's mid-term review, in every copy of the plan: the revisions
    missing are added; the original targets stay as they are."""
    revisions = {code: (values, rationale) for code, values, rationale in TARGET_REVISIONS}
    targets = {
        (t.indicator_id, t.year): t
        for t in Target.objects.filter(
            indicator__in=[s.indicator for s in tree.indicators if s.row.code in revisions]
        )
    }
    have = set(
        TargetRevision.objects.filter(target__in=list(targets.values()), review=MID_TERM_REVIEW).values_list(
            "target_id", flat=True
        )
    )
    missing = []
    for seeded in tree.indicators:
        if seeded.row.code not in revisions:
            continue
        values, rationale = revisions[seeded.row.code]
        for year, value in values.items():
            target = targets[(seeded.indicator.pk, year)]
            assert not target_errors(seeded.indicator, year, Decimal(value)), (seeded.row.code, year)
            if target.pk not in have:
                missing.append(
                    TargetRevision(
                        target=target,
                        value=Decimal(value),
                        review=MID_TERM_REVIEW,
                        rationale=rationale,
                        revised_at=MID_TERM_REVIEWED_AT,
                        revised_by=admin,
                    )
                )
    TargetRevision.objects.bulk_create(missing, batch_size=BATCH)
    created["target_revisions"] += len(missing)


def _activities_ensure(plan, tree: DemoTree, objectives: dict, scale: int, created: Counter) -> None:
    reporters = set(reporting_codes())
    orgs = tree.organisations
    periods = {p.code: p for p in tree.periods}
    wanted, supporting = [], []
    for copy in range(1, scale + 1):
        for i, row in enumerate(ACTIVITIES, start=1):
            lead = copy_organisation(row.lead, copy, reporters)
            obj = Activity(
                plan=plan,
                objective=objectives[copy_code(row.objective, copy)],
                code=copy_code(row.code, copy),
                name=row.name,
                lead=orgs[lead],
                start_period=periods[row.start],
                end_period=periods[row.end],
                budget_usd=Decimal(row.budget_usd),
                position=(copy - 1) * len(ACTIVITIES) + i,
            )
            wanted.append(obj)
            tree.activities.append(SeededActivity(obj, row, lead))
            supporting.append([copy_organisation(c, copy, reporters) for c in row.supporting])
    saved = _create_missing(Activity, plan, wanted, created, "activities")
    for seeded in tree.activities:
        seeded.activity = saved[seeded.activity.code]
    pairs = {
        (seeded.activity.pk, orgs[code].pk)
        for seeded, codes in zip(tree.activities, supporting, strict=True)
        for code in codes
    }
    _link_missing(
        Activity.supporting.through, "activity", "organisation", pairs, plan, created, "activity_supporters"
    )


# --- Quarterly figures ---------------------------------------------------------------------------


@dataclass
class PlannedReport:
    """A report to write, with its rows; timestamps kept apart because
    bulk_create stamps auto_now fields with the time of the run."""

    report: QuarterlyReport
    created_at: datetime.datetime
    updated_at: datetime.datetime
    events: list[tuple[ReportEvent, datetime.datetime]] = field(default_factory=list)
    values: list[tuple[IndicatorValue, dict[str, int]]] = field(default_factory=list)
    updates: list[ActivityUpdate] = field(default_factory=list)


@dataclass
class Duties:
    """What one organisation reports on: indicators it leads or contributes to,
    activities it leads."""

    indicators: list[SeededIndicator] = field(default_factory=list)
    activities: list[SeededActivity] = field(default_factory=list)


def organisation_duties(tree: DemoTree) -> dict[str, Duties]:
    duties: dict[str, Duties] = defaultdict(Duties)
    for seeded in tree.indicators:
        for code in (seeded.lead, *seeded.contributors):
            duties[code].indicators.append(seeded)
    for seeded in tree.activities:
        duties[seeded.lead].activities.append(seeded)
    return duties


def base_organisation(code: str) -> str:
    """The demo organisation a benchmark copy stands for: PCCT-07-R3 → PCCT-07."""
    head, _, tail = code.rpartition("-R")
    return head if head and tail.isdigit() else code


def report_state(organisation: str, period: ReportingPeriod, last_approved: int) -> str | None:
    """The state of an organisation's report for a period, or None when it has none."""
    base = base_organisation(organisation)
    if period.index <= last_approved:
        return None if period.code in MISSED_QUARTERS.get(base, ()) else ReportState.APPROVED
    if period.code == OPEN_PERIOD:
        return OPEN_PERIOD_STATES.get(base)
    return None


def figures_ensure(*, plan: Plan, tree: DemoTree, users: dict[str, User], created: Counter) -> None:
    """Write the reports (with values, cells, activity updates and events) that
    are not there yet. Each report's figures come from a random generator seeded
    with its plan, organisation and period, so they are the same on every run."""
    have = set(
        QuarterlyReport.objects.filter(period__plan=plan).values_list("organisation__code", "period__code")
    )
    planned = [
        p
        for p in reports_planned(plan, tree, users)
        if (p.report.organisation.code, p.report.period.code) not in have
    ]
    reports_write(planned, created)


def reports_planned(plan: Plan, tree: DemoTree, users: dict[str, User]) -> list[PlannedReport]:
    periods = {p.code: p for p in tree.periods}
    first, last = periods[FIRST_APPROVED].index, periods[LAST_APPROVED].index
    duties = organisation_duties(tree)
    index_of = {p.pk: p.index for p in tree.periods}
    previous: dict[tuple[str, int], Decimal] = {}  # last approved value per organisation and indicator
    finished: set[int] = set()  # activities whose approved update says completed or cancelled
    planned = []
    for period in tree.periods:
        if period.index < first or period.index > periods[OPEN_PERIOD].index:
            continue
        for code in sorted(duties):
            state = report_state(code, period, last)
            if state is None:
                continue
            # Seeded noise, the same on every run: demo figures, not secrets.
            rng = random.Random(f"{plan.code}|{code}|{period.code}")  # noqa: S311
            organisation = tree.organisations[code]
            report = _planned_report(organisation, period, state, rng, users)
            report.values = _values(code, duties[code], period, rng, previous)
            report.updates = _updates(duties[code], period, finished, index_of)
            if not report.values and not report.updates:
                continue
            planned.append(report)
            if state == ReportState.APPROVED:
                for value, _cells in report.values:
                    previous[(code, value.indicator.pk)] = value.value
                finished |= {
                    u.activity.pk
                    for u in report.updates
                    if u.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED)
                }
    for report in planned:
        for value, _cells in report.values:
            value.report = report.report
        for update in report.updates:
            update.report = report.report
    return planned


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    start = datetime.datetime.combine(day, WORKDAY_START, tzinfo=timezone.get_default_timezone())
    return start + datetime.timedelta(minutes=rng.randint(0, 9 * 60))


def _planned_report(
    organisation: Organisation, period: ReportingPeriod, state: str, rng: random.Random, users: dict
) -> PlannedReport:
    """The report's life so far: created, submitted (on time or late), perhaps
    returned once, approved; each step an event with who and when."""
    reviewer = users[Role.SECRETARIAT_REVIEWER]
    focal = users[Role.FOCAL_POINT]
    # Only MOI has a focal point in the demo; the other reports were entered for
    # their organisations, so who submitted them is not known.
    submitter = focal if organisation.pk == focal.organisation_id else None
    after_quarter = period.end + datetime.timedelta(days=1)
    created = _at(after_quarter + datetime.timedelta(days=rng.randint(0, 4)), rng)
    late = rng.random() < 0.15
    submitted = _at(
        period.deadline + datetime.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 9)), rng
    )
    submitted = max(submitted, created + datetime.timedelta(hours=1))

    report = QuarterlyReport(organisation=organisation, period=period, state=state, updated_by=submitter)
    planned = PlannedReport(report=report, created_at=created, updated_at=created)

    def step(from_state, to_state, at, actor, comment=""):
        event = ReportEvent(actor=actor, from_state=from_state, to_state=to_state, comment=comment)
        planned.events.append((event, at))
        planned.updated_at = at

    step("", ReportState.DRAFT, created, submitter)
    if state == ReportState.DRAFT:
        return planned
    step(ReportState.DRAFT, ReportState.SUBMITTED, submitted, submitter)
    report.first_submitted_at = report.submitted_at = submitted
    report.submitted_by = submitter
    if state == ReportState.RETURNED:
        comment = RETURN_COMMENTS.get(base_organisation(organisation.code), EARLIER_RETURN_COMMENTS[0])
        step(
            ReportState.SUBMITTED,
            ReportState.RETURNED,
            submitted + datetime.timedelta(days=3),
            reviewer,
            comment,
        )
        report.review_comment = comment
    elif state == ReportState.APPROVED:
        reviewed = submitted + datetime.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 6))
        if rng.random() < 0.08:
            step(
                ReportState.SUBMITTED,
                ReportState.RETURNED,
                reviewed,
                reviewer,
                rng.choice(EARLIER_RETURN_COMMENTS),
            )
            reviewed += datetime.timedelta(days=rng.randint(2, 5))
            step(ReportState.RETURNED, ReportState.SUBMITTED, reviewed, submitter)
            report.submitted_at = reviewed
            reviewed += datetime.timedelta(days=rng.randint(1, 4))
        step(ReportState.SUBMITTED, ReportState.APPROVED, reviewed, reviewer)
        report.approved_at, report.approved_by = reviewed, reviewer
    report.version = len(planned.events)
    return planned


# --- Values ------------------------------------------------------------------------------------------


def indicator_due(row: IndicatorRow, period: ReportingPeriod) -> bool:
    return row.frequency == Frequency.QUARTERLY or period.quarter == 4


def share_of_year(row: IndicatorRow, quarter: int) -> float:
    """How much of a year's target is expected by this quarter (scoring.md's f)."""
    if row.frequency == Frequency.QUARTERLY:
        return quarter / 4
    return 1.0 if quarter == 4 else 0.0


def expected_level(row: IndicatorRow, period: ReportingPeriod) -> float:
    """LATEST: the level expected by this quarter, from last year's target (or
    the baseline) toward this year's."""
    start = row.baseline if period.year == FIRST_YEAR else row.target(period.year - 1)
    return start + (row.target(period.year) - start) * share_of_year(row, period.quarter)


def planned_amount(row: IndicatorRow, period: ReportingPeriod) -> float:
    """SUM: the part of the year's target planned for this quarter."""
    if row.frequency == Frequency.QUARTERLY:
        return row.target(period.year) / 4
    return float(row.target(period.year))


def milestone_reached(row: IndicatorRow, period: ReportingPeriod) -> bool:
    """On pace: reached in the last quarter of the first year whose target is 1."""
    years = [year for year in range(FIRST_YEAR, LAST_YEAR + 1) if row.target(year) >= 1]
    if row.pace < 0.85 or not years:
        return False
    return (period.year, period.quarter) >= (years[0], 4)


def reporting_weight(seeded: SeededIndicator, code: str) -> float:
    """Share of a SUM indicator's figure each reporter brings: the lead most,
    a provincial committee least."""
    if code == seeded.lead:
        return 4.0
    return 1.0 if base_organisation(code).startswith("PCCT-") else 2.0


def as_figure(row: IndicatorRow, amount: float) -> Decimal:
    if row.measure == Measure.NUMBER:
        return Decimal(max(0, round(amount)))
    return Decimal(str(round(min(max(amount, 0.0), 100.0), 1)))


def figure_for(seeded: SeededIndicator, code: str, period: ReportingPeriod, rng: random.Random) -> Decimal:
    row = seeded.row
    if row.measure == Measure.MILESTONE:
        return Decimal(int(milestone_reached(row, period)))
    if row.aggregation == Aggregation.LATEST:
        progress = (expected_level(row, period) - row.baseline) * row.pace * rng.uniform(0.96, 1.04)
        return as_figure(row, row.baseline + progress)
    weights = {c: reporting_weight(seeded, c) for c in (seeded.lead, *seeded.contributors)}
    share = weights[code] / sum(weights.values())
    return as_figure(row, planned_amount(row, period) * share * row.pace * rng.uniform(0.85, 1.15))


def split_into_cells(row: IndicatorRow, total: int, rng: random.Random) -> dict[str, int]:
    """Split a whole-number total over the cells (sex × age group …) so that they
    add up exactly: largest remainders get the leftover units."""
    shares = {"sex": {"F": row.female, "M": 1 - row.female}, "age_group": AGE_SHARES}
    dims = sorted(row.by)
    weights = {}
    for combo in product(*(shares[d].items() for d in dims)):
        weight = 1.0
        for _, share in combo:
            weight *= share
        categories = {d: c for d, (c, _) in zip(dims, combo, strict=True)}
        weights[cell_key(categories)] = weight * rng.uniform(0.8, 1.2)
    scale = total / sum(weights.values())
    exact = {key: w * scale for key, w in weights.items()}
    cells = {key: int(x) for key, x in exact.items()}
    leftover = total - sum(cells.values())
    for key in sorted(exact, key=lambda k: exact[k] - cells[k], reverse=True)[:leftover]:
        cells[key] += 1
    return cells


def is_outlier(value: Decimal, previous: Decimal | None) -> bool:
    """The report form's check: more than 3× or less than ⅓ of the last approved value."""
    return previous is not None and (value > 3 * previous or 3 * value < previous)


def _values(
    code: str, duties: Duties, period: ReportingPeriod, rng: random.Random, previous: dict
) -> list[tuple[IndicatorValue, dict[str, int]]]:
    values = []
    for seeded in duties.indicators:
        row = seeded.row
        if not indicator_due(row, period):
            continue
        # A level (LATEST) is the lead's figure alone; contributors add to sums.
        if row.aggregation == Aggregation.LATEST and code != seeded.lead:
            continue
        figure = figure_for(seeded, code, period, rng)
        errors = value_errors(row.measure, figure, field="value")
        assert not errors, (row.code, period.code, figure, errors)
        value = IndicatorValue(indicator=seeded.indicator, value=figure)
        if is_outlier(figure, previous.get((code, seeded.indicator.pk))):
            value.note = OUTLIER_NOTE
        if code == seeded.lead and row.pace < 0.85 and period.index > 2:
            value.gap_reason = rng.choice(GAP_REASONS)
            value.corrective_action = rng.choice(CORRECTIVE_ACTIONS)
        cells = split_into_cells(row, int(figure), rng) if row.by else {}
        values.append((value, cells))
    return values


def activity_progress(row: ActivityRow, start: int, end: int, index: int) -> tuple[str, Decimal]:
    """Status and percent complete in quarter ``index``: the plan's straight line
    from start to end, times the activity's pace, in steps of 5 %."""
    planned = (index - start + 1) / (end - start + 1)
    percent = min(100, 5 * round(row.pace * planned * 100 / 5))
    if percent >= 100:
        return ActivityStatus.COMPLETED, Decimal(100)
    if percent == 0:
        return ActivityStatus.NOT_STARTED, Decimal(0)
    if percent < 85 * min(planned, 1.0):
        return ActivityStatus.DELAYED, Decimal(percent)
    return ActivityStatus.IN_PROGRESS, Decimal(percent)


def _updates(
    duties: Duties, period: ReportingPeriod, finished: set[int], index_of: dict[int, int]
) -> list[ActivityUpdate]:
    """An update for each activity due: from its planned start until an
    approved update says completed or cancelled."""
    updates = []
    for seeded in duties.activities:
        activity, row = seeded.activity, seeded.row
        start, end = index_of[activity.start_period_id], index_of[activity.end_period_id]
        if activity.pk in finished or period.index < start:
            continue
        status, percent = activity_progress(row, start, end, period.index)
        if row.cancelled_in == period.code:
            status = ActivityStatus.CANCELLED
        assert not activity_update_errors(status, percent), (row.code, period.code)
        updates.append(
            ActivityUpdate(
                activity=activity, status=status, percent_complete=percent, note=ACTIVITY_NOTES[status]
            )
        )
    return updates


def reports_write(planned: list[PlannedReport], created: Counter) -> None:
    """Insert in bulk: a benchmark plan has tens of thousands of rows."""
    reports = [p.report for p in planned]
    QuarterlyReport.objects.bulk_create(reports, batch_size=BATCH)
    for p in planned:
        p.report.created_at, p.report.updated_at = p.created_at, p.updated_at
    # bulk_create stamped created_at/updated_at with the time of the run; put
    # back the dates the report's life actually had.
    QuarterlyReport.objects.bulk_update(reports, ["created_at", "updated_at"], batch_size=BATCH)

    events = []
    for p in planned:
        for event, at in p.events:
            event.report = p.report
            events.append((event, at))
    ReportEvent.objects.bulk_create([e for e, _ in events], batch_size=BATCH)
    for event, at in events:
        event.at = at
    ReportEvent.objects.bulk_update([e for e, _ in events], ["at"], batch_size=BATCH)

    values = [value for p in planned for value, _ in p.values]
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
    cells = [
        DisaggregatedValue(indicator_value=value, cell=key, value=Decimal(n))
        for p in planned
        for value, value_cells in p.values
        for key, n in value_cells.items()
    ]
    DisaggregatedValue.objects.bulk_create(cells, batch_size=BATCH)
    updates = [u for p in planned for u in p.updates]
    ActivityUpdate.objects.bulk_create(updates, batch_size=BATCH)

    created["reports"] += len(reports)
    created["report_events"] += len(events)
    created["indicator_values"] += len(values)
    created["disaggregated_values"] += len(cells)
    created["activity_updates"] += len(updates)


# --- Summaries ------------------------------------------------------------------------------------


def plan_totals(plan: Plan) -> dict[str, int]:
    reports = QuarterlyReport.objects.filter(period__plan=plan)
    return {
        "pillars": plan.pillars.count(),
        "objectives": plan.objectives.count(),
        "indicators": plan.indicators.count(),
        "activities": plan.activities.count(),
        "reporting organisations": reports.values("organisation").distinct().count(),
        "reports": reports.count(),
        "indicator values": IndicatorValue.objects.filter(indicator__plan=plan).count(),
        "disaggregated values": DisaggregatedValue.objects.filter(
            indicator_value__indicator__plan=plan
        ).count(),
        "activity updates": ActivityUpdate.objects.filter(activity__plan=plan).count(),
    }


def reports_by_state(plan: Plan) -> dict[str, int]:
    counts = Counter(QuarterlyReport.objects.filter(period__plan=plan).values_list("state", flat=True))
    return {state: counts[state] for state in ReportState.values if counts[state]}
