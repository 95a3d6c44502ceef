"""The sitemap's section for learning activities: the public ones, those with a start date."""

from inventory.sitemaps import RECORDS_PER_FILE, Bilingual, LatestChangeCounted
from needs.models import LearningActivity


class ActivitySitemap(LatestChangeCounted, Bilingual):
    limit = RECORDS_PER_FILE
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return LearningActivity.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, activity: LearningActivity):
        return activity.updated_at
