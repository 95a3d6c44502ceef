"""The link checker: each published product's link is asked whether it still opens and its file whether it
is still stored; what is broken waits in the curators' work queue. Real HTTP, against a server on this
machine (private addresses are allowed for these tests only: the checker refuses them otherwise)."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inventory import links
from inventory.models import KnowledgeProduct, LinkCheck
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


class Site(BaseHTTPRequestHandler):
    """/fine 200, /gone 404, /broken 500, /no-head 405 to HEAD and 200 to GET, /moved a redirect to /fine."""

    asked: list = []

    def answer(self, with_body: bool):
        Site.asked.append((self.command, self.path))
        codes = {"/fine": 200, "/gone": 404, "/broken": 500, "/no-head": 405 if not with_body else 200}
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/fine")
            self.end_headers()
            return
        self.send_response(codes.get(self.path, 404))
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(with_body=False)

    def do_GET(self):
        self.answer(with_body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True
    Site.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/fine", ""),
        ("/moved", ""),
        ("/no-head", ""),
        ("/gone", "The page is gone (404)."),
        ("/broken", "The site answered with an error (500)."),
    ],
)
def test_a_link_is_fine_while_it_opens(site, path, problem):
    product = ProductFactory(url=f"{site}{path}")
    assert links.check_product(product.pk).problem == problem


def test_a_site_that_refuses_head_is_asked_with_get(site):
    links.check_product(ProductFactory(url=f"{site}/no-head").pk)
    assert Site.asked == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_server_nobody_answers_on_is_reported(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True
    product = ProductFactory(url="http://127.0.0.1:9/nothing-listens-here")
    assert links.check_product(product.pk).problem.startswith("The site could not be reached")


def test_a_private_address_is_never_asked(site, settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = False
    product = ProductFactory(url=f"{site}/fine")
    assert links.check_product(product.pk).problem == "Not checked: the link points to a private address."
    assert Site.asked == []


def test_a_file_missing_from_storage_is_broken_and_a_stored_one_fine(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(url="")
    product.file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert links.check_product(product.pk).problem == ""
    product.file.storage.delete(product.file.name)
    assert links.check_product(product.pk).problem == "The file is missing from storage."


def test_an_unpublished_product_is_never_checked(site):
    draft = ProductFactory(url=f"{site}/gone", status=Status.DRAFT, published_at=None)
    assert links.check_product(draft.pk) is None
    assert not LinkCheck.objects.exists() and Site.asked == []


def test_broken_since_holds_while_it_stays_broken_and_goes_when_mended(site):
    product = ProductFactory(url=f"{site}/gone")
    first = links.check_product(product.pk).broken_since
    assert links.check_product(product.pk).broken_since == first
    KnowledgeProduct.objects.filter(pk=product.pk).update(url=f"{site}/fine")
    mended = links.check_product(product.pk)
    assert (mended.problem, mended.broken_since, mended.url) == ("", None, f"{site}/fine")


def test_the_command_checks_only_products_not_checked_this_week(site):
    recent, stale, never = (ProductFactory(url=f"{site}/gone") for _ in range(3))
    ProductFactory(url=f"{site}/gone", status=Status.DRAFT, published_at=None)
    now = timezone.now()
    LinkCheck.objects.create(product=recent, checked_at=now - datetime.timedelta(days=2), url=recent.url)
    LinkCheck.objects.create(product=stale, checked_at=now - datetime.timedelta(days=9), url=stale.url)
    call_command("check_links")  # Jobs run at once in the tests.
    broken = LinkCheck.objects.exclude(problem="").values_list("product", flat=True)
    assert set(broken) == {stale.pk, never.pk}
    assert LinkCheck.objects.get(product=recent).problem == ""


def test_what_is_broken_waits_in_the_work_queue_and_its_filtered_list(site, curator_client):
    broken, fine = ProductFactory(url=f"{site}/gone"), ProductFactory(url=f"{site}/fine")
    changelist = reverse("admin:inventory_knowledgeproduct_changelist")
    response = curator_client.post(
        changelist, {"action": "check_links", "_selected_action": [broken.pk, fine.pk]}, follow=True
    )
    assert "A check of 2 published product(s) is queued" in response.content.decode()
    rows = {row.label: row for row in curator_client.get(reverse("admin:index")).context["work_queue"]}
    queued = rows["Published products whose link or file is broken"]
    assert queued.count == 1
    listed = curator_client.get(queued.url).context["cl"].result_list
    assert [product.pk for product in listed] == [broken.pk]
    form = curator_client.get(reverse("admin:inventory_knowledgeproduct_change", args=[broken.pk]))
    assert "The page is gone (404)." in form.content.decode()
