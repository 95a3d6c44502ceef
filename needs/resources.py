"""The needs' and learning activities' spreadsheets, to import and export (curators only: a need's sheet
carries its submitter's contact details).

A need names its matched products by title, an activity the needs it answers (by reference or title) and
the products it builds on; themes, formats, countries and organisations by name or code, several in a cell
separated by "; ", as in the inventory's sheets."""

from import_export import widgets

from core.spreadsheets import (
    ChoiceWidget,
    KeepWhenBlankTextWidget,
    Lookup,
    RelatedSetWidget,
    RelatedWidget,
    SheetResource,
    TextWidget,
    YesNoWidget,
    column,
    normalise,
    relation,
    tidy,
)
from inventory.models import KnowledgeProduct, Region
from inventory.resources import countries, organisations, partnerships, themes
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat


def learning_formats() -> Lookup:
    return Lookup(LearningFormat, noun="learning format")


def products() -> Lookup:
    return Lookup(KnowledgeProduct, keys=("title", "slug"), label="title", noun="product")


def needs() -> Lookup:
    return Lookup(
        KnowledgeNeed, keys=("reference", "title"), label="title", fallback_label="reference", noun="need"
    )


class NeedResource(SheetResource):
    reference = column("reference", KeepWhenBlankTextWidget(), keep_when_blank=True)
    received = column(
        "received", widgets.DateTimeWidget("%Y-%m-%d %H:%M"), attribute="created_at", keep_when_blank=True
    )
    status = column("status", ChoiceWidget(KnowledgeNeed.Status, "status"), keep_when_blank=True)
    title = column("title", TextWidget())
    description = column("description", TextWidget())
    partnership = column("partnership", RelatedWidget(partnerships()))
    partnership_name = column("partnership_typed_in", TextWidget(), attribute="partnership_name")
    organisation_name = column("organisation", TextWidget(), attribute="organisation_name")
    contact_name = column("contact_name", TextWidget())
    contact_email = column("contact_email", TextWidget())
    themes = relation("themes", RelatedSetWidget(themes()))
    learning_formats = relation("learning_formats", RelatedSetWidget(learning_formats()))
    urgency = column("urgency", ChoiceWidget(KnowledgeNeed.Urgency, "urgency"), keep_when_blank=True)
    countries = relation("countries", RelatedSetWidget(countries()))
    region = column("region", ChoiceWidget(Region, "region"), keep_when_blank=True)
    consent_to_contact = column("may_be_contacted", YesNoWidget(), attribute="consent_to_contact")
    consent_to_publish = column("may_be_shown", YesNoWidget(), attribute="consent_to_publish")
    curator_notes = column("curator_notes", TextWidget())
    matched_products = relation("matched_products", RelatedSetWidget(products()))

    natural_key_description = "title and organisation"
    key_field = "reference"

    class Meta(SheetResource.Meta):
        model = KnowledgeNeed
        name = "Knowledge needs"
        fields = [
            "reference",
            "received",
            "status",
            "title",
            "description",
            "partnership",
            "partnership_name",
            "organisation_name",
            "contact_name",
            "contact_email",
            "themes",
            "learning_formats",
            "urgency",
            "countries",
            "region",
            "consent_to_contact",
            "consent_to_publish",
            "curator_notes",
            "matched_products",
        ]
        import_order = export_order = fields

    def get_queryset(self):
        return KnowledgeNeed.objects.select_related("partnership").prefetch_related(
            "themes", "learning_formats", "countries", "matched_products"
        )

    def natural_key_of(self, obj) -> tuple:
        return (normalise(obj.title), normalise(obj.organisation_name))

    def natural_key_of_row(self, row) -> tuple | None:
        title = tidy(row.get("title") or "")
        return (normalise(title), normalise(row.get("organisation") or "")) if title else None

    def after_save_instance(self, instance, row, **kwargs):
        # When it was received is the submitter's date, not the import's (the field sets itself on insert).
        received = self.fields["received"].clean(row) if row.get("received") else None
        if received and not kwargs.get("dry_run"):
            KnowledgeNeed.objects.filter(pk=instance.pk).update(created_at=received)
            instance.created_at = received

    def example_row(self) -> dict:
        return {
            "title": "Lobbying district councils for budgets (example: replace this row)",
            "description": "How did others get budget lines for women-led groups adopted?",
            "partnership_typed_in": "Open Budgets Coalition",
            "organisation": "Nyota Rights Collective",
            "contact_name": "Amina Okello",
            "contact_email": "amina@example.org",
            "urgency": KnowledgeNeed.Urgency.HIGH,
            "countries": "UG; KE",
            "may_be_contacted": "yes",
            "may_be_shown": "no",
        }


class ActivityResource(SheetResource):
    slug = column("slug", KeepWhenBlankTextWidget(), keep_when_blank=True)
    title = column("title", TextWidget())
    status = column("status", ChoiceWidget(LearningActivity.Status, "status"), keep_when_blank=True)
    summary = column("summary", TextWidget())
    description = column("description", TextWidget())
    learning_format = column("format", RelatedWidget(learning_formats()), attribute="learning_format")
    themes = relation("themes", RelatedSetWidget(themes()))
    start_date = column("start_date", widgets.DateWidget("%Y-%m-%d"))
    end_date = column("end_date", widgets.DateWidget("%Y-%m-%d"))
    start_time = column("start_time", widgets.TimeWidget("%H:%M"))
    end_time = column("end_time", widgets.TimeWidget("%H:%M"))
    is_online = column("online", YesNoWidget(), attribute="is_online", keep_when_blank=True)
    location = column("location", TextWidget())
    registration_url = column("registration_link", TextWidget(), attribute="registration_url")
    open_to = column("open_to", ChoiceWidget(LearningActivity.Audience, "audience"), keep_when_blank=True)
    organisations = relation("organisations", RelatedSetWidget(organisations()))
    needs = relation("needs", RelatedSetWidget(needs()))
    products = relation("products", RelatedSetWidget(products()))

    natural_key_description = "title"

    class Meta(SheetResource.Meta):
        model = LearningActivity
        name = "Learning activities"
        fields = [
            "slug",
            "title",
            "status",
            "summary",
            "description",
            "learning_format",
            "themes",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "is_online",
            "location",
            "registration_url",
            "open_to",
            "organisations",
            "needs",
            "products",
        ]
        import_order = export_order = fields

    def get_queryset(self):
        return LearningActivity.objects.select_related("learning_format").prefetch_related(
            "themes", "organisations", "needs", "products"
        )

    def natural_key_of(self, obj) -> tuple:
        return (normalise(obj.title),)

    def natural_key_of_row(self, row) -> tuple | None:
        title = tidy(row.get("title") or "")
        return (normalise(title),) if title else None

    def example_row(self) -> dict:
        return {
            "title": "Budget advocacy peer exchange (example: replace this row)",
            "summary": "Organisations that won budget lines compare notes.",
            "format": LearningFormat.objects.values_list("name", flat=True).first() or "",
            "start_date": "",
            "online": "yes",
        }
