"""The public nomination form: /products/nominate/."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.documents import DOCX, PDF
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("inventory:product-nominate")
Status = KnowledgeProduct.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="toolkit.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestTheForm:
    def test_it_renders_in_a_fixed_number_of_queries(self, client, django_assert_num_queries):
        programme = ProgrammeFactory()
        for n in range(15):
            PartnershipFactory(name=f"Partnership {n}", programme=programme)
            ProductTypeFactory(name=f"Type {n}")
            ThemeFactory(name=f"Theme {n}")
        # 1 product types, 2 themes, 3 partnerships with programmes, 4 countries, 5 languages
        with django_assert_num_queries(5):
            response = client.get(URL)
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in response.content.decode()

    def test_it_tells_nominators_their_details_stay_private(self, client, settings):
        settings.CONTACT_EMAIL = "privacy@partos.example"
        html = client.get(URL).content.decode()
        assert "never shown on the site" in html
        assert "mailto:privacy@partos.example" in html

    def test_the_route_is_not_taken_for_a_product_slug(self, client):
        assert client.get("/products/nominate/").resolver_match.url_name == "product-nominate"


class TestAGoodNomination:
    def test_it_is_saved_as_submitted_and_not_shown_to_the_public(self, client, nomination):
        OrganisationFactory(name="Delta Rights")
        OrganisationFactory(name="Sahel Women Network")
        response = client.post(URL, nomination())
        assert response.status_code == 302
        product = KnowledgeProduct.objects.get()
        assert product.status == Status.SUBMITTED
        assert not product.featured, "featuring is the curators' decision"
        assert product.partnerships.get().name == "Voices for Water Justice"
        assert {o.name for o in product.organisations.all()} == {"Delta Rights", "Sahel Women Network"}
        assert "An organisation not in the list" in product.nominated_organisations
        assert "UN Women country office (reviewer)" in product.nominated_stakeholders
        assert {language.code for language in product.languages.all()} == {"en", "fr"}
        assert product.year == 2019
        assert (product.nominator_name, product.nominator_email) == ("Grace Banda", "grace@example.org")
        # Invisible until a curator publishes it.
        assert client.get(product.get_absolute_url()).status_code == 404
        assert product.title not in client.get(reverse("pages:home")).content.decode()

    def test_the_thank_you_page_names_the_product(self, client, nomination):
        response = client.post(URL, nomination(), follow=True)
        assert "We received “Budget tracking with women&#x27;s groups”" in response.content.decode()
        assert "grace@example.org" not in response.content.decode()

    def test_a_thank_you_link_cannot_be_forged(self, client):
        url = reverse("inventory:product-nominate-thanks", args=["1:forged"])
        assert client.get(url).status_code == 404

    def test_a_real_pdf_is_stored_under_an_unguessable_name(self, client, nomination):
        response = client.post(URL, nomination(url="", file=pdf("Our toolkit (final).pdf")))
        assert response.status_code == 302
        product = KnowledgeProduct.objects.get()
        assert product.file.name.startswith("products/")
        assert product.file.name.endswith("-our-toolkit-final.pdf")
        assert len(product.file.name.rsplit("/", 1)[1]) > len("our-toolkit-final.pdf") + 10
        assert product.file.read().startswith(b"%PDF-")

    def test_a_very_long_file_name_still_fits(self, client, nomination):
        response = client.post(URL, nomination(url="", file=pdf("x" * 190 + ".pdf")))
        assert response.status_code == 302

    def test_an_office_file_is_accepted(self, client, nomination):
        docx = SimpleUploadedFile("guide.docx", DOCX)
        assert client.post(URL, nomination(file=docx)).status_code == 302

    def test_a_partnership_may_be_typed_in_or_left_out(self, client, nomination):
        client.post(URL, nomination(partnership="", partnership_name="Coastal Commons Partnership"))
        product = KnowledgeProduct.objects.get()
        assert product.nominated_partnership == "Coastal Commons Partnership"
        assert not product.partnerships.exists()

    def test_two_nominations_with_one_title_get_two_slugs(self, client, nomination):
        client.post(URL, nomination())
        client.post(URL, nomination())
        assert KnowledgeProduct.objects.values("slug").distinct().count() == 2


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"url": ""}, "url", "Give a link to the product, upload its file, or both."),
            ({"url": "javascript:alert(1)"}, "url", "Check the link"),
            ({"nominator_email": "grace@"}, "nominator_email", "Check your e-mail address"),
            ({"product_type": "999999"}, "product_type", "Select a valid choice."),
            ({"languages": ["xx"]}, "languages", "Select a valid choice."),
            ({"year": "1850"}, "year", "greater than or equal to 1990"),
            ({"year": "2999"}, "year", "less than or equal to"),
            ({"year": "nineteen"}, "year", "Enter a whole number."),
            ({"year": "9" * 100_000}, "year", "Enter a whole number."),
            ({"title": "x" * 100_000}, "title", "at most 250 characters"),
            ({"why_valuable": "x" * 100_000}, "why_valuable", "at most 5000 characters"),
            ({"stakeholders": "\x00"}, "stakeholders", "Null characters are not allowed."),
            ({"languages": ["e\x00"]}, "languages", "Null characters are not allowed."),
        ],
    )
    def test_it_explains_each_wrong_field_and_saves_nothing(
        self, client, nomination, overrides, field, message
    ):
        response = client.post(URL, nomination(**overrides))
        assert response.status_code == 400
        assert any(message in error for error in response.context["form"].errors[field])
        assert not KnowledgeProduct.objects.exists()

    @pytest.mark.parametrize(
        ("file", "message"),
        [
            (
                SimpleUploadedFile("toolkit.pdf", b"<html>not a pdf</html>"),
                "This file is not a real .pdf file",
            ),
            (SimpleUploadedFile("toolkit.exe", PDF), "Upload a PDF, Word, Excel, PowerPoint or OpenDocument"),
            (SimpleUploadedFile("empty.pdf", b""), "The submitted file is empty."),
        ],
    )
    def test_a_file_that_is_not_a_document_is_refused(self, client, nomination, file, message):
        response = client.post(URL, nomination(url="", file=file))
        assert response.status_code == 400
        assert any(message in error for error in response.context["form"].errors["file"])
        assert not KnowledgeProduct.objects.exists()

    def test_an_empty_post_lists_every_required_field(self, client):
        response = client.post(URL, {})
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {
            "title",
            "summary",
            "url",
            "product_type",
            "why_valuable",
            "nominator_name",
            "nominator_organisation",
            "nominator_email",
        }

    def test_every_field_at_100000_characters_gives_messages_not_an_error_page(self, client, nomination):
        data = {key: "ü" * 100_000 for key in nomination() if key != "website"}
        assert client.post(URL, data).status_code == 400
        assert not KnowledgeProduct.objects.exists()

    def test_the_input_and_the_file_are_kept(self, client, nomination):
        response = client.post(URL, nomination(nominator_email="nope", file=pdf()))
        html = response.content.decode()
        assert 'value="Budget tracking with women&#x27;s groups"' in html
        assert "District officials now publish budgets" in html
        assert 'href="#id_nominator_email"' in html
        assert "<strong>toolkit.pdf</strong>, kept." in html
        token = re.search(r'name="file_kept" value="([^"]+)"', html).group(1)
        corrected = nomination(nominator_email="grace@example.org", file_kept=token)
        assert client.post(URL, corrected).status_code == 302
        product = KnowledgeProduct.objects.get()
        assert product.file.name.endswith(".pdf")
        with product.file.open("rb") as handle:
            assert handle.read() == PDF


class TestAbuse:
    def test_a_file_above_the_limit_is_refused_before_it_is_read(self, client, nomination, settings):
        settings.NOMINATION_MAX_UPLOAD_MB = 1
        big = pdf(content=PDF + b"0" * (3 * 1024 * 1024))
        response = client.post(URL, nomination(file=big))
        assert response.status_code == 413
        html = response.content.decode()
        assert "The file was larger than 1 MB, so nothing was read or saved." in html
        # The body was never parsed: Django sets _files once it reads a multipart body.
        assert not hasattr(response.wsgi_request, "_files")
        assert not KnowledgeProduct.objects.exists()

    def test_a_file_just_above_the_limit_gets_a_message_beside_the_field(self, client, nomination, settings):
        settings.NOMINATION_MAX_UPLOAD_MB = 1
        response = client.post(URL, nomination(file=pdf(content=PDF + b"0" * (1024 * 1024 + 10))))
        assert response.status_code == 400
        assert (
            "The file is larger than 1 MB, the most we accept." in response.context["form"].errors["file"][0]
        )
        assert 'value="Budget tracking with women&#x27;s groups"' in response.content.decode()

    def test_the_honeypot_refuses_a_filled_in_trap_field(self, client, nomination):
        response = client.post(URL, nomination(website="buy now"))
        assert response.status_code == 400
        assert not KnowledgeProduct.objects.exists()

    def test_a_post_without_the_csrf_token_is_refused(self, nomination):
        response = Client(enforce_csrf_checks=True).post(URL, nomination())
        assert response.status_code == 403
        assert not KnowledgeProduct.objects.exists()

    def test_accepted_nominations_are_limited_per_address(self, client, nomination, settings):
        settings.SUBMISSION_RATE_LIMIT = "2/h"
        assert client.post(URL, nomination()).status_code == 302
        assert client.post(URL, nomination(title="A second toolkit")).status_code == 302
        response = client.post(URL, nomination(title="A third toolkit"))
        assert response.status_code == 429
        assert KnowledgeProduct.objects.count() == 2


def test_a_product_titled_like_the_form_never_takes_its_address():
    product = ProductFactory(title="Nominate")
    assert product.slug == "nominate-2"
    product.slug = "nominate"
    with pytest.raises(ValidationError, match="is the address of a page"):
        product.full_clean()
