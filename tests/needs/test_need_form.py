"""The public knowledge-needs form: /needs/new/."""

import re

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from tests.factories import (
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("needs:need-new")


def errors_of(response) -> dict:
    return response.context["form"].errors


class TestTheForm:
    def test_it_groups_partnerships_by_programme_newest_first(self, client):
        old = ProgrammeFactory(name="Dialogue and Dissent", start_year=2016, end_year=2020)
        new = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
        PartnershipFactory(name="Green Roots", programme=old)
        PartnershipFactory(name="Open Budgets", acronym="OB", programme=new)
        html = client.get(URL).content.decode()
        assert html.index('<optgroup label="Power of Voices">') < html.index(
            '<optgroup label="Dialogue and Dissent">'
        )
        assert "Open Budgets (OB)" in html

    def test_it_shows_the_privacy_notice_with_the_contact_address(self, client, settings):
        settings.CONTACT_EMAIL = "privacy@partos.example"
        html = client.get(URL).content.decode()
        assert 'id="privacy-notice"' in html
        assert "Who sees it:" in html
        assert "mailto:privacy@partos.example" in html

    def test_it_offers_the_learning_formats_and_urgencies(self, client):
        html = client.get(URL).content.decode()
        for name in ["Webinar", "Peer exchange", "Community of practice", "Research or learning trajectory"]:
            assert name in html
        assert "Urgent: within the next three months" in html

    def test_it_renders_in_a_fixed_number_of_queries(self, client, django_assert_num_queries):
        for n in range(20):
            PartnershipFactory(name=f"Partnership {n}")
            ThemeFactory(name=f"Theme {n}")
        # 1 partnerships with their programmes, 2 themes, 3 learning formats, 4 countries
        with django_assert_num_queries(4):
            response = client.get(URL)
        assert response.status_code == 200


class TestItsChoicesAreDrawnOncePerDataVersion:
    """The countries, themes, partnerships and formats are drawn once per data version and language, then
    served as drawn, for every visitor; a change to the data or a ticked box draws them anew."""

    @staticmethod
    def drawn_options(response) -> list[str]:
        return [t.name for t in response.templates if t.name and "option" in t.name]

    def test_a_second_visitor_gets_the_same_page_without_drawing_an_option_again(self, client):
        first = client.get(URL)
        again = client.get(URL)
        assert len(self.drawn_options(first)) > 250  # a template per country, theme, partnership …
        # Only the few choices written in the code (urgency, region) and the learning formats again.
        assert len(self.drawn_options(again)) < 40
        token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert token.sub("", again.content.decode()) == token.sub("", first.content.decode())

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)  # each change committed
    def test_a_need_submitted_leaves_the_countries_drawn(self, client, need_form):
        client.get(URL)
        assert client.post(URL, need_form()).status_code == 302
        assert len(self.drawn_options(client.get(URL))) < 40  # of more than 250

    def test_a_theme_added_since_is_offered_at_once(self, client, django_capture_on_commit_callbacks):
        assert "Seed systems" not in client.get(URL).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            ThemeFactory(name="Seed systems")
        assert "Seed systems" in client.get(URL).content.decode()

    def test_boxes_ticked_before_an_error_stay_ticked_and_a_new_form_starts_blank(self, client, need_form):
        kenya = re.compile(r'<input[^>]*value="KE"[^>]*>')
        refused = client.post("/nl/needs/new/", need_form(contact_email="not an address"))
        assert refused.status_code == 400 and "checked" in kenya.search(refused.content.decode()).group()
        blank = client.get("/nl/needs/new/").content.decode()
        assert "checked" not in kenya.search(blank).group()
        assert "Kenia" in blank and "Kenya" in client.get(URL).content.decode()  # each language its own


class TestAGoodSubmission:
    def test_it_saves_the_need_and_redirects_to_the_thank_you_page(self, client, need_form):
        response = client.post(URL, need_form())
        need = KnowledgeNeed.objects.get()
        assert response.status_code == 302
        assert response["Location"].startswith("/needs/new/thanks/")
        assert need.status == KnowledgeNeed.Status.NEW
        assert need.partnership.name == "Voices for Water Justice"
        assert need.contact_email == "amina@example.org"
        assert need.urgency == "high"
        assert need.consent_to_contact and not need.consent_to_publish
        assert {c.code for c in need.countries.all()} == {"UG", "KE"}
        assert {f.slug for f in need.learning_formats.all()} == {"peer-exchange", "coaching"}
        assert [t.name for t in need.themes.all()] == ["Local governance"]
        assert re.fullmatch(r"KN-\d{4}-\d{4,}", need.reference)

    def test_the_thank_you_page_shows_the_reference_and_products_that_may_help(self, client, need_form):
        theme = ThemeFactory(name="Budget work")
        ProductFactory(title="Budget tracking toolkit", themes=[theme])
        ProductFactory(title="A draft on budgets", status=KnowledgeProduct.Status.DRAFT, published_at=None)
        response = client.post(URL, need_form(themes=[theme.pk]), follow=True)
        html = response.content.decode()
        need = KnowledgeNeed.objects.get()
        assert need.reference in html
        assert "Budget tracking toolkit" in html
        assert "A draft on budgets" not in html

    def test_a_partnership_not_in_the_list_may_be_typed_in(self, client, need_form):
        response = client.post(
            URL, need_form(partnership="not-listed", partnership_name="Rising Grounds Alliance")
        )
        assert response.status_code == 302
        need = KnowledgeNeed.objects.get()
        assert need.partnership is None
        assert need.partnership_name == "Rising Grounds Alliance"

    def test_text_fields_at_their_maximum_length_are_accepted(self, client, need_form):
        response = client.post(URL, need_form(title="t" * 200, description="d" * 5000))
        assert response.status_code == 302


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"contact_email": "amina(at)example"}, "contact_email", "Check your e-mail address"),
            ({"contact_email": "a@b"}, "contact_email", "Check your e-mail address"),
            ({"urgency": "tomorrow"}, "urgency", "Select a valid choice."),
            ({"region": "atlantis"}, "region", "Select a valid choice."),
            ({"countries": ["XX"]}, "countries", "Select a valid choice."),
            ({"themes": ["999999"]}, "themes", "Select a valid choice."),
            ({"themes": ["not-a-number"]}, "themes", "is not a valid value"),
            ({"learning_formats": ["0"]}, "learning_formats", "Select a valid choice."),
            ({"partnership": "999999"}, "partnership", "Select a valid choice."),
            ({"partnership": "", "partnership_name": ""}, "partnership", "Choose your partnership"),
            ({"partnership": "not-listed", "partnership_name": " "}, "partnership_name", "Type the name"),
            ({"title": "x" * 100_000}, "title", "at most 200 characters"),
            ({"description": "x" * 100_000}, "description", "at most 5000 characters"),
            ({"title": "Budgets\x00"}, "title", "Null characters are not allowed."),
            ({"contact_name": "\x00"}, "contact_name", "Null characters are not allowed."),
            ({"countries": ["U\x00"]}, "countries", "Null characters are not allowed."),
            ({"partnership": "1\x00"}, "partnership", "Null characters are not allowed."),
            ({"urgency": "\x00"}, "urgency", "Select a valid choice."),
        ],
    )
    def test_it_explains_each_wrong_field_and_saves_nothing(
        self, client, need_form, overrides, field, message
    ):
        response = client.post(URL, need_form(**overrides))
        assert response.status_code == 400
        assert any(message in error for error in errors_of(response)[field])
        assert not KnowledgeNeed.objects.exists()

    def test_an_empty_post_lists_every_required_field(self, client):
        response = client.post(URL, {})
        assert response.status_code == 400
        assert set(errors_of(response)) == {
            "partnership",
            "organisation_name",
            "contact_name",
            "contact_email",
            "title",
            "description",
            "urgency",
        }

    def test_every_field_at_100000_characters_gives_messages_not_an_error_page(self, client, need_form):
        long = "é" * 100_000
        data = {key: long for key in need_form() if key != "website"}
        response = client.post(URL, data)
        assert response.status_code == 400
        assert not KnowledgeNeed.objects.exists()

    def test_the_input_is_kept_and_summarised_for_screen_readers(self, client, need_form):
        response = client.post(
            URL, need_form(contact_email="not-an-address", title="Budgets <b>for</b> women's groups")
        )
        html = response.content.decode()
        # The summary at the top: announced, focused, linking to the field.
        summary = html[
            html.index('class="error-summary"') : html.index("</div>", html.index("error-summary"))
        ]
        assert 'role="alert"' in html and "autofocus" in summary
        assert 'href="#id_contact_email"' in summary
        # The message alone, in the person's words: it needs no label before it.
        assert ">Check your e-mail address: it looks like name@example.org.</a>" in summary
        # Beside the field: the message, tied to the input.
        assert '<ul class="errorlist" id="id_contact_email_error">' in html
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="id_contact_email_helptext id_contact_email_error"' in html
        # What the person typed is still there, escaped.
        assert 'value="not-an-address"' in html
        assert 'value="Budgets &lt;b&gt;for&lt;/b&gt; women&#x27;s groups"' in html
        assert 'value="KE" checked' in html
        assert html.count("checked") >= 3  # two formats, the urgency, consent
        assert "<title>Error:" in html

    def test_a_group_of_checkboxes_is_linked_from_the_summary(self, client, need_form):
        response = client.post(URL, need_form(urgency="never"))
        assert 'href="#id_urgency_field"' in response.content.decode()
        assert 'id="id_urgency_field"' in response.content.decode()


class TestAbuse:
    def test_the_honeypot_refuses_a_filled_in_trap_field(self, client, need_form):
        response = client.post(URL, need_form(website="http://spam.example"))
        assert response.status_code == 400
        assert response.context["form"].caught_by_honeypot
        assert not KnowledgeNeed.objects.exists()

    def test_the_honeypot_is_hidden_from_people(self, client):
        html = client.get(URL).content.decode()
        assert '<div class="honeypot">' in html
        assert 'name="website"' in html

    def test_a_post_without_the_csrf_token_is_refused(self, need_form):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(URL, need_form())
        assert response.status_code == 403
        assert not KnowledgeNeed.objects.exists()

    def test_a_post_with_the_csrf_token_is_accepted(self, need_form):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.get(URL)
        token = browser.cookies["csrftoken"].value
        response = browser.post(URL, need_form(csrfmiddlewaretoken=token))
        assert response.status_code == 302

    def test_too_many_posts_from_one_address_get_a_readable_429(self, client, need_form, settings):
        settings.SUBMISSION_RATE_LIMIT = "2/h"
        assert client.post(URL, need_form()).status_code == 302
        assert client.post(URL, need_form()).status_code == 302
        response = client.post(URL, need_form())
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Too many submissions from your address" in response.content.decode()
        assert KnowledgeNeed.objects.count() == 2
        # Another address is not held back.
        assert client.post(URL, need_form(), REMOTE_ADDR="192.0.2.7").status_code == 302

    def test_the_rate_limit_counts_posts_not_visits(self, client, settings):
        settings.SUBMISSION_RATE_LIMIT = "1/h"
        for _ in range(3):
            assert client.get(URL).status_code == 200

    def test_a_body_larger_than_the_form_can_take_is_refused_unread(self, client, settings, need_form):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        settings.NOMINATION_MAX_UPLOAD_MB = 0  # the room a document takes beside the text
        response = client.post(URL, need_form(description="x" * 2000))
        assert response.status_code == 413
        assert "What you sent was too large" in response.content.decode()
        assert not KnowledgeNeed.objects.exists()

    def test_other_methods_are_not_allowed(self, client):
        assert client.put(URL).status_code == 405
