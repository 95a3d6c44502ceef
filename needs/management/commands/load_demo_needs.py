"""Fictional knowledge needs for development and demonstrations. Every organisation, person and need below
is invented; none is a statement about a real organisation."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inventory.models import Country, Partnership, Programme, Theme
from needs.matching import suggest_products
from needs.models import KnowledgeNeed, LearningFormat

GENDER = "gender-equality-and-inclusion"
ENVIRONMENT = "environmental-rights"
GOVERNANCE = "local-governance"
RESOURCES = "resource-management"

# Partnerships the reference data holds as real: fictional needs are never attached to them.
REAL_PARTNERSHIPS = {
    "count me in!",
    "fair, green and global alliance",
    "green livelihoods alliance",
    "voice for change partnership",
    "she leads",
    "right2grow",
    "stitch",
}

# Typed in by submitters whose partnership is not in the list. Invented names.
TYPED_PARTNERSHIPS = [
    "Open Budgets Coalition",
    "Rising Grounds Alliance",
    "Coastal Commons Partnership",
    "Youth Civic Space Network",
]

New, Review, Matched, Addressed, Closed = (
    KnowledgeNeed.Status.NEW,
    KnowledgeNeed.Status.IN_REVIEW,
    KnowledgeNeed.Status.MATCHED,
    KnowledgeNeed.Status.ADDRESSED,
    KnowledgeNeed.Status.CLOSED,
)
LOW, MEDIUM, HIGH = "low", "medium", "high"

# (title, description, themes, formats, urgency, countries, region, contact?, public?, status, organisation)
NEEDS = [
    (
        "Lobbying district councils for gender-responsive budgets",
        (
            "Our women's groups have learned to read district budgets, but councillors still ignore their "
            "proposals. We want to learn how other partnerships got budget lines for women-led groups "
            "adopted, and which arguments worked with finance committees."
        ),
        [GENDER, GOVERNANCE],
        ["peer-exchange", "coaching"],
        HIGH,
        ["UG", "KE"],
        "",
        True,
        True,
        Review,
        "Nyota Rights Collective",
    ),
    (
        "Safe digital campaigning for women human rights defenders",
        (
            "Online harassment makes our activists withdraw from social media. We need practical security "
            "routines and ways to campaign online without exposing the people behind the campaign."
        ),
        [GENDER],
        ["training-or-workshop", "toolkit-or-guide"],
        HIGH,
        ["PK", "BD"],
        "",
        True,
        False,
        New,
        "Lahar Women's Voice",
    ),
    (
        "Documenting land grabs as evidence for courts",
        (
            "Communities report land taken for plantations, but their testimonies are rarely accepted as "
            "evidence. How did others collect maps, photos and statements that held up in court?"
        ),
        [ENVIRONMENT, RESOURCES],
        ["training-or-workshop", "peer-exchange"],
        HIGH,
        ["ID", "LR"],
        "",
        True,
        True,
        Matched,
        "Lumo Land Watch",
    ),
    (
        "Measuring changes in civic space over five years",
        (
            "Our programme must report on civic space, but our indicators do not capture the small openings "
            "and closings our partners see. We look for tested methods, ideally with outcome harvesting."
        ),
        [GOVERNANCE],
        ["research-or-learning-trajectory", "webinar"],
        MEDIUM,
        [],
        "sub-saharan-africa",
        True,
        True,
        Review,
        "Open Budgets Coalition secretariat",
    ),
    (
        "Engaging traditional leaders on girls' inheritance rights",
        (
            "Customary law still decides who inherits land in our districts. We want to learn from "
            "partnerships that worked with chiefs and elders rather than around them."
        ),
        [GENDER, RESOURCES],
        ["peer-exchange", "community-of-practice"],
        MEDIUM,
        ["MW", "ZM"],
        "",
        False,
        True,
        New,
        "Tandala Community Voice",
    ),
    (
        "Free, prior and informed consent in mining areas",
        (
            "Companies hold consultations that communities do not understand. We need a simple guide to FPIC "
            "that village committees can use, in local languages."
        ),
        [ENVIRONMENT, RESOURCES],
        ["toolkit-or-guide", "training-or-workshop"],
        HIGH,
        ["CD", "GH"],
        "",
        True,
        True,
        Addressed,
        "Kasai Mining Monitor",
    ),
    (
        "Youth participation in municipal planning",
        (
            "Young people are invited to hearings but never shape the plan. Which methods gave youth real "
            "influence on municipal plans, and how were officials convinced?"
        ),
        [GOVERNANCE],
        ["webinar", "peer-exchange"],
        LOW,
        ["CO", "GT"],
        "",
        True,
        True,
        New,
        "Youth Civic Space Network",
    ),
    (
        "Water user committees that women actually lead",
        (
            "Our water committees have women members on paper only. We want to learn how other programmes "
            "changed the rules and habits so women chair and decide."
        ),
        [GENDER, RESOURCES],
        ["coaching", "peer-exchange"],
        MEDIUM,
        ["ET", "NE"],
        "",
        True,
        False,
        Matched,
        "Sahel Water Voices",
    ),
    (
        "Protecting mangroves through community tenure",
        (
            "Fishing villages want legal rights over the mangroves they depend on. Who succeeded in getting "
            "community tenure recognised, and what did the legal route look like?"
        ),
        [ENVIRONMENT, RESOURCES],
        ["research-or-learning-trajectory"],
        MEDIUM,
        ["MZ", "PH"],
        "",
        False,
        True,
        Review,
        "Coastal Commons Partnership",
    ),
    (
        "Advocacy with embassies and the EU delegation",
        (
            "We rarely get meetings with embassies. How have partnerships built lasting relations with "
            "diplomats for their advocacy, without putting local partners at risk?"
        ),
        [GOVERNANCE],
        ["webinar", "coaching"],
        LOW,
        [],
        "middle-east-north-africa",
        True,
        False,
        Closed,
        "Amal Civic Forum",
    ),
    (
        "Inclusive lobbying with organisations of persons with disabilities",
        (
            "Our coalition speaks about inclusion but has no disability organisations in it. We want to learn"
            " how to build an equal partnership with them, not a token seat."
        ),
        [GENDER, GOVERNANCE],
        ["community-of-practice", "peer-exchange"],
        MEDIUM,
        ["NP"],
        "",
        True,
        True,
        New,
        "Himal Inclusion Network",
    ),
    (
        "Holding agribusiness to account for deforestation",
        (
            "We track forest loss near palm oil concessions but cannot turn the data into pressure on buyers."
            " Which campaigns towards European buyers worked, and why?"
        ),
        [ENVIRONMENT],
        ["webinar", "research-or-learning-trajectory"],
        HIGH,
        ["ID", "MY"],
        "",
        True,
        True,
        Matched,
        "Rising Grounds Alliance",
    ),
    (
        "Social audits of public health clinics",
        (
            "Community score cards improved some clinics but the results faded after a year. We look for ways"
            " to make social audits last and to get district health officers to respond."
        ),
        [GOVERNANCE],
        ["toolkit-or-guide", "peer-exchange"],
        MEDIUM,
        ["TZ", "MW"],
        "",
        True,
        True,
        Addressed,
        "Afya Watch",
    ),
    (
        "Climate finance that reaches local organisations",
        (
            "Adaptation money is promised for communities, but it stays with national agencies. We need to "
            "understand the funds and learn how to lobby for a share that local groups control."
        ),
        [ENVIRONMENT, GOVERNANCE],
        ["training-or-workshop", "webinar"],
        HIGH,
        ["BD", "KE"],
        "",
        True,
        True,
        Review,
        "Delta Adaptation Forum",
    ),
    (
        "Working safely when NGO laws tighten",
        (
            "A new NGO law limits foreign funding. We want to hear how other organisations adapted their work"
            " and registration, and what legal support helped them."
        ),
        [GOVERNANCE],
        ["peer-exchange", "coaching"],
        HIGH,
        [],
        "asia",
        False,
        False,
        New,
        "Open Space Collective",
    ),
    (
        "Gender analysis of trade agreements",
        (
            "Trade rules affect women traders at the border, but our advocacy lacks the analysis. We need a "
            "method to assess a trade agreement's effects on women, and examples of its use in lobbying."
        ),
        [GENDER, RESOURCES],
        ["research-or-learning-trajectory", "toolkit-or-guide"],
        LOW,
        ["RW", "UG"],
        "",
        True,
        True,
        Closed,
        "Border Traders Alliance",
    ),
    (
        "Community monitoring of fisheries agreements",
        (
            "Industrial fleets fish close to shore despite the rules. Which community monitoring methods "
            "produced data that authorities acted on?"
        ),
        [ENVIRONMENT, RESOURCES],
        ["peer-exchange", "toolkit-or-guide"],
        MEDIUM,
        ["SN", "GH"],
        "",
        True,
        True,
        New,
        "Coastal Commons Partnership",
    ),
    (
        "Sustaining advocacy after project funding ends",
        (
            "When the programme ends, our community groups stop meeting. We want to learn how others kept "
            "citizen groups active and funded after the project."
        ),
        [GOVERNANCE],
        ["community-of-practice", "webinar"],
        LOW,
        [],
        "",
        True,
        True,
        Review,
        "Open Budgets Coalition secretariat",
    ),
    (
        "Feminist leadership in mixed organisations",
        (
            "Our partner organisations are led by men, and women staff do not rise. We look for leadership "
            "programmes and organisational changes that shifted this."
        ),
        [GENDER],
        ["coaching", "training-or-workshop"],
        MEDIUM,
        ["NG", "CM"],
        "",
        True,
        False,
        New,
        "Ngozi Leadership Circle",
    ),
    (
        "Using satellite data for forest rights claims",
        (
            "Free satellite images could show how long communities have used their forests. We need training "
            "to use them, and examples where such maps supported a claim."
        ),
        [ENVIRONMENT, RESOURCES],
        ["training-or-workshop"],
        MEDIUM,
        ["BO", "PE"],
        "",
        True,
        True,
        Matched,
        "Selva Rights Network",
    ),
    (
        "Participatory budgeting in small towns",
        (
            "Our town council agreed to try participatory budgeting. We look for step-by-step guidance and "
            "peers who ran it in towns with small budgets."
        ),
        [GOVERNANCE],
        ["toolkit-or-guide", "peer-exchange"],
        HIGH,
        ["MZ"],
        "",
        True,
        True,
        Addressed,
        "Cidade Aberta Forum",
    ),
    (
        "Reaching rural women with radio",
        (
            "Many women in our area cannot read and have no smartphone. Which radio formats helped rural "
            "women take part in local decisions?"
        ),
        [GENDER, GOVERNANCE],
        ["webinar", "toolkit-or-guide"],
        LOW,
        ["ML", "BF"],
        "",
        True,
        True,
        New,
        "Sahel Water Voices",
    ),
    (
        "Negotiating benefit sharing with renewable energy projects",
        (
            "Wind and solar parks are coming to pastoralist land. We want to learn what fair benefit-sharing "
            "agreements look like and how communities negotiated them."
        ),
        [RESOURCES, ENVIRONMENT],
        ["research-or-learning-trajectory", "peer-exchange"],
        HIGH,
        ["KE", "ET"],
        "",
        True,
        True,
        Review,
        "Rangeland Voices Trust",
    ),
    (
        "Linking local evidence to national policy dialogue",
        (
            "Our partners collect strong stories from districts, but they never reach the national dialogue. "
            "How did others turn local evidence into national policy briefs and meetings?"
        ),
        [GOVERNANCE],
        ["coaching", "webinar"],
        MEDIUM,
        [],
        "latin-america-caribbean",
        False,
        True,
        Matched,
        "Youth Civic Space Network",
    ),
    (
        "Preventing backlash against women's rights activists",
        (
            "Our successes provoked threats against activists in their own communities. We need ways to "
            "anticipate and reduce backlash, and support for those affected."
        ),
        [GENDER],
        ["community-of-practice", "coaching"],
        HIGH,
        ["SD"],
        "",
        False,
        False,
        Closed,
        "Amal Civic Forum",
    ),
    (
        "Tracking public spending on small-scale farmers",
        (
            "The agriculture budget promises support for smallholders. We want to learn budget tracking "
            "methods that farmer organisations can run themselves."
        ),
        [GOVERNANCE, RESOURCES],
        ["training-or-workshop", "toolkit-or-guide"],
        MEDIUM,
        ["ZW", "ZM"],
        "",
        True,
        True,
        New,
        "Mavuno Farmers' Voice",
    ),
    (
        "Learning together across Dutch and Southern partners",
        (
            "Our reflection meetings are run by the Dutch partners and in English. We want formats in which "
            "Southern partners set the learning agenda."
        ),
        [GOVERNANCE, GENDER],
        ["community-of-practice", "peer-exchange"],
        LOW,
        [],
        "",
        True,
        True,
        Review,
        "Rising Grounds Alliance",
    ),
    (
        "Answering smear campaigns against civil society",
        (
            "Ministers and online accounts call our members foreign agents. We want to learn how other "
            "organisations answered smear campaigns without feeding them, and kept public trust."
        ),
        [GOVERNANCE, "civic-space"],
        ["peer-exchange", "webinar"],
        HIGH,
        ["ZW"],
        "",
        True,
        True,
        New,
        "Mutapa Civic Alliance",
    ),
    (
        "Digital security for civic space monitors",
        (
            "Our monitors document restrictions on assembly and the press, and their phones are the weak "
            "point. We need training in keeping records safe and sources anonymous."
        ),
        [GOVERNANCE, "civic-space", "data-and-digital"],
        ["training-or-workshop"],
        MEDIUM,
        ["KH"],
        "",
        True,
        True,
        New,
        "Mekong Rights Monitor",
    ),
    (
        "Open data on public contracts for local watchdogs",
        (
            "Municipal contracts are published as scanned files nobody can search. We look for tools and "
            "coaching to turn them into data that local watchdogs can use."
        ),
        [GOVERNANCE, "social-accountability", "data-and-digital"],
        ["toolkit-or-guide", "coaching"],
        MEDIUM,
        ["PE", "BO"],
        "",
        True,
        False,
        Review,
        "Andes Open Data Collective",
    ),
    (
        "Legal aid networks for survivors of gender-based violence",
        (
            "Survivors in rural counties cannot reach a lawyer. We want to learn how others built networks "
            "of paralegals and lawyers that survivors trust, and how they were funded."
        ),
        [GENDER, "gender-based-violence", "access-to-justice"],
        ["community-of-practice"],
        HIGH,
        ["LR", "SL"],
        "",
        True,
        True,
        New,
        "Kpelle Women's Justice Network",
    ),
]

CONTACTS = [
    "Amina Okello",
    "Rekha Sharma",
    "Joseph Mensah",
    "Lucía Ramírez",
    "Grace Banda",
    "Tomas Alves",
    "Fatou Diallo",
    "Ingrid de Vries",
    "Samuel Tesfaye",
    "Nadia Haddad",
    "Pedro Quispe",
    "Esther Mwangi",
]


class Command(BaseCommand):
    help = "Add the fictional demo knowledge needs (for development). Needs already there are kept."

    @transaction.atomic
    def handle(self, *args, **options):
        partnerships = self._demo_partnerships()
        made = 0
        for index, row in enumerate(NEEDS):
            if KnowledgeNeed.objects.filter(title=row[0]).exists():
                continue
            self._make(index, row, partnerships)
            made += 1
        self.stdout.write(self.style.SUCCESS(f"Added {made} demo knowledge needs."))

    def _demo_partnerships(self) -> list[Partnership]:
        newest = Programme.objects.order_by("-start_year").first()
        if newest is None:
            return []
        return [
            p
            for p in Partnership.objects.filter(programme=newest).order_by("name")
            if p.name.lower() not in REAL_PARTNERSHIPS
        ]

    def _make(self, index, row, partnerships) -> None:
        title, description, themes, formats, urgency, countries, region, contact, public, status, org = row
        partnership = (
            partnerships[index // 2 % len(partnerships)] if partnerships and index % 2 == 0 else None
        )
        name = CONTACTS[index % len(CONTACTS)]
        need = KnowledgeNeed.objects.create(
            title=title,
            description=description,
            partnership=partnership,
            partnership_name="" if partnership else TYPED_PARTNERSHIPS[index % len(TYPED_PARTNERSHIPS)],
            organisation_name=org,
            contact_name=name,
            contact_email=f"{name.split()[0].lower()}@example.org",
            urgency=urgency,
            region=region,
            consent_to_contact=contact,
            consent_to_publish=public,
        )
        need.themes.set(Theme.objects.filter(slug__in=themes))
        need.learning_formats.set(LearningFormat.objects.filter(slug__in=formats))
        need.countries.set(Country.objects.filter(code__in=countries))
        if status in (Matched, Addressed):
            need.matched_products.set(list(suggest_products(need, limit=3)))
        if status == Matched and not need.matched_products.exists():
            status = Review  # Matched means matched to products; without products there is nothing yet.
        # Spread over the last months, so lists and figures look lived in.
        created = timezone.now() - timedelta(days=3 + index * 7, hours=index * 5)
        reference = f"KN-{created:%Y}-{need.pk:04d}"
        KnowledgeNeed.objects.filter(pk=need.pk).update(
            status=status, created_at=created, reference=reference
        )
