from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "Knowledge needs"
    # The gaps, the map and the activities pages count and show these (see core.freshness).
    public_data = ["LearningFormat", "KnowledgeNeed", "LearningActivity"]
