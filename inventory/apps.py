from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"
    # What the public pages show or count: a committed change to any of these moves the data version
    # (core.freshness). Many-to-many links are followed through their owners.
    public_data = [
        "Programme",
        "Theme",
        "ProductType",
        "Country",
        "Language",
        "Organisation",
        "Partnership",
        "Membership",
        "Stakeholder",
        "KnowledgeProduct",
        "Nomination",
        "Involvement",
        "DocumentText",
        "ProductDocument",
        "Collection",
        "CollectionItem",
        "TaggedProduct",
        "taggit.Tag",
    ]

    def ready(self):
        from core import freshness
        from core.history import record_proxy_saves
        from inventory import documents
        from inventory.models import Nomination

        record_proxy_saves(Nomination)
        # A product's uploaded file is read for search by a job, once its change commits.
        freshness.on_change(documents.follow_changes)
        # A published product's PDF gets its thumbnail from a job, once its change commits.
        from inventory import thumbnails

        freshness.on_change(thumbnails.follow_changes)
