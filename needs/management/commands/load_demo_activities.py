"""Fictional learning activities for development and demonstrations, past and upcoming, built on the demo
needs and made with demo organisations. Every activity, place and link below is invented; none is a
statement about a real organisation. Dates are counted from the day the command runs."""

import datetime
from dataclasses import dataclass

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inventory.models import KnowledgeProduct, Organisation, Theme
from needs.matching import suggest_products
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat

Status = LearningActivity.Status
EVERYONE, MEMBERS = LearningActivity.Audience.EVERYONE, LearningActivity.Audience.PARTOS_MEMBERS
# Products each activity builds on.
PRODUCTS_PER_ACTIVITY = 3


@dataclass
class Demo:
    title: str
    summary: str
    description: str
    learning_format: str
    themes: list[str]
    needs: list[str]  # titles of demo needs (needs/management/commands/load_demo_needs.py)
    organisations: list[str]  # slugs of fictional demo organisations (fixtures/demo.json)
    status: str
    starts_in: int | None  # days from today; None: not dated yet, so not public
    days: int = 1
    times: tuple[datetime.time, datetime.time] | None = None
    online: bool = False
    location: str = ""
    open_to: str = MEMBERS
    registration: str = ""


def at(hour: int, minute: int = 0) -> datetime.time:
    return datetime.time(hour, minute)


ACTIVITIES = [
    Demo(
        "Measuring civic space: outcome harvesting in practice",
        "Ninety minutes on capturing the small openings and closings of civic space that indicators miss.",
        "Two evaluators and a partner organisation show how they harvested outcomes over five years of "
        "lobbying, what a good outcome statement looks like and how to substantiate it. Bring an example.",
        "webinar",
        ["local-governance", "civic-space"],
        ["Measuring changes in civic space over five years"],
        ["meridiaan-centre-for-evaluation-studies", "lindenhof-institute-for-civic-learning"],
        Status.OPEN,
        starts_in=12,
        times=(at(14), at(15, 30)),
        online=True,
        open_to=EVERYONE,
        registration="https://example.org/register/civic-space-webinar",
    ),
    Demo(
        "Evidence that holds up in court: documenting land grabs",
        "Three days of practice in collecting maps, photos and statements that courts accept.",
        "Community paralegals and land rights lawyers train monitors from several countries in documenting "
        "land taken for plantations, from free satellite images to signed testimonies. Half the group "
        "joins in person, half online.",
        "training-or-workshop",
        ["environmental-rights", "land-and-forest-rights"],
        [
            "Documenting land grabs as evidence for courts",
            "Using satellite data for forest rights claims",
        ],
        [
            "kitoma-community-land-trust",
            "yayasan-akar-rimbun",
            "kasanda-african-land-rights-network",
        ],
        Status.OPEN,
        starts_in=20,
        days=3,
        online=True,
        location="Bogor, Indonesia",
        open_to=EVERYONE,
        registration="https://example.org/register/land-evidence-training",
    ),
    Demo(
        "Budgets councillors cannot ignore: a peer exchange",
        "Women's groups and budget forums compare what got their proposals into district budgets.",
        "Two days hosted by a women's budget collective: field visits to a district council, and "
        "sessions in which each group presents one argument that worked with a finance committee and one "
        "that did not.",
        "peer-exchange",
        ["local-governance", "citizen-participation-in-local-budgets", "gender-equality-and-inclusion"],
        [
            "Lobbying district councils for gender-responsive budgets",
            "Tracking public spending on small-scale farmers",
        ],
        ["chenja-womens-budget-collective", "elewa-citizens-budget-forum", "stichting-openraad"],
        Status.OPEN,
        starts_in=45,
        days=2,
        location="Kampala, Uganda",
        registration="https://example.org/register/budget-peer-exchange",
    ),
    Demo(
        "Southern partners setting the learning agenda: a community of practice",
        "A six-month community in which Southern partners choose the questions and run the meetings.",
        "Monthly online meetings, in English and French, with rotating hosts from Southern organisations. "
        "Registration opens once the first hosts have chosen the opening question.",
        "community-of-practice",
        ["new-ways-of-working-together", "local-governance"],
        [
            "Learning together across Dutch and Southern partners",
            "Inclusive lobbying with organisations of persons with disabilities",
        ],
        ["collectif-wendpanga-pour-la-gouvernance-locale", "gelijkstap-foundation"],
        Status.PLANNED,
        starts_in=70,
        days=180,
        online=True,
    ),
    Demo(
        "Safe digital campaigning clinic",
        "Hands-on security routines for activists who campaign online.",
        "Cancelled: the trainers could not travel. We are looking for a new date and will announce it here.",
        "training-or-workshop",
        ["gender-equality-and-inclusion", "data-and-digital"],
        ["Safe digital campaigning for women human rights defenders"],
        ["komrong-digital-rights-collective"],
        Status.CANCELLED,
        starts_in=30,
        times=(at(10), at(16)),
        online=True,
        open_to=EVERYONE,
    ),
    Demo(
        "Social audits that last",
        "How community score cards kept clinics improving after the project ended.",
        "A webinar with a district health officer and two community monitors on the routines that kept "
        "social audits going, and on getting officials to answer them.",
        "webinar",
        ["local-governance", "social-accountability"],
        ["Social audits of public health clinics", "Participatory budgeting in small towns"],
        ["akiteng-youth-accountability-network"],
        Status.COMPLETED,
        starts_in=-40,
        times=(at(10), at(11, 30)),
        online=True,
        open_to=EVERYONE,
    ),
    Demo(
        "Free, prior and informed consent: a guide for village committees",
        "Two days turning what mining communities learned about consent into a guide in local languages.",
        "Village committee members, a mining communities forum and a legal aid centre wrote a plain guide "
        "to consent processes together, then tried it out with two committees.",
        "training-or-workshop",
        ["resource-management", "extractives-and-natural-resources"],
        ["Free, prior and informed consent in mining areas"],
        ["lwandile-mining-communities-forum", "anqa-womens-legal-aid-centre"],
        Status.COMPLETED,
        starts_in=-90,
        days=2,
        location="Lubumbashi, DR Congo",
    ),
    Demo(
        "Coaching circle: women chairing water committees",
        "Four months of coaching for women who chair, or want to chair, water user committees.",
        "Six pairs of coaches and committee members met every two weeks to change the rules and habits "
        "that kept women from deciding.",
        "coaching",
        ["resource-management", "water-governance", "gender-equality-and-inclusion"],
        ["Water user committees that women actually lead"],
        ["dijkhoven-water-rights", "association-sanoya-pour-les-droits-des-femmes"],
        Status.COMPLETED,
        starts_in=-150,
        days=120,
        online=True,
    ),
    Demo(
        "Working safely under restricted NGO laws",
        "Organisations that adapted to new NGO laws share how they kept working.",
        "Being prepared: hosts and date to be found.",
        "peer-exchange",
        ["civic-space"],
        ["Working safely when NGO laws tighten"],
        [],
        Status.PLANNED,
        starts_in=None,
    ),
]


class Command(BaseCommand):
    help = "Add the fictional demo learning activities (for development). Activities already there are kept."

    @transaction.atomic
    def handle(self, *args, **options):
        formats = {f.slug: f for f in LearningFormat.objects.all()}
        made = 0
        for demo in ACTIVITIES:
            if (
                demo.learning_format not in formats
                or LearningActivity.objects.filter(title=demo.title).exists()
            ):
                continue
            self._make(demo, formats[demo.learning_format], timezone.localdate())
            made += 1
        self.stdout.write(self.style.SUCCESS(f"Added {made} demo learning activities."))

    def _make(self, demo: Demo, learning_format: LearningFormat, today: datetime.date) -> None:
        start = today + datetime.timedelta(days=demo.starts_in) if demo.starts_in is not None else None
        end = start + datetime.timedelta(days=demo.days - 1) if start and demo.days > 1 else None
        activity = LearningActivity(
            title=demo.title,
            summary=demo.summary,
            description=demo.description,
            learning_format=learning_format,
            start_date=start,
            end_date=end,
            start_time=demo.times[0] if demo.times else None,
            end_time=demo.times[1] if demo.times else None,
            is_online=demo.online,
            location=demo.location,
            registration_url=demo.registration,
            status=demo.status,
            open_to=demo.open_to,
        )
        activity.full_clean()
        activity.save()
        themes = Theme.objects.filter(slug__in=demo.themes)
        activity.themes.set(themes)
        needs = list(KnowledgeNeed.objects.filter(title__in=demo.needs).prefetch_related("themes"))
        activity.needs.set(needs)
        # Demo organisations only: fictional activities are never attributed to real organisations.
        activity.organisations.set(Organisation.objects.filter(slug__in=demo.organisations, pk__gte=1000))
        activity.products.set(self._products(needs, themes))

    def _products(self, needs: list[KnowledgeNeed], themes) -> list[KnowledgeProduct]:
        """What the curators would pick: the products suggested for its first need, else products on its
        themes."""
        if needs:
            return list(suggest_products(needs[0], limit=PRODUCTS_PER_ACTIVITY))
        on_its_themes = KnowledgeProduct.objects.published().filter(themes__in=themes).distinct()
        return list(on_its_themes.order_by("-featured", "pk")[:PRODUCTS_PER_ACTIVITY])
