"""The public forms for screen readers: every group named by a legend, every message tied to its field."""

import re

import pytest

from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

FORMS = ["/needs/new/", "/products/nominate/"]


@pytest.mark.parametrize("path", FORMS)
def test_theme_groups_are_fieldsets_named_by_their_legend(client, path):
    core = ThemeFactory(name="Environmental rights")
    ThemeFactory(name="Climate justice", parent=core)
    content = client.get(path).content.decode()
    themes = content[content.index('id="id_themes"') :]
    themes = themes[: themes.index("</fieldset>\n</div>")]
    assert '<fieldset class="checkbox-group"><legend>Environmental rights</legend>' in themes
    assert not re.search(r"<label(?![^>]*\bfor=)", themes), "every label belongs to a checkbox"


@pytest.mark.parametrize("path", FORMS)
def test_every_field_with_an_error_points_to_its_message(client, path):
    content = client.post(
        path, {"contact_email": "not an address", "nominator_email": "nor this"}
    ).content.decode()
    invalid = re.findall(r"<(?:input|textarea|select)\b[^>]*aria-invalid=\"true\"[^>]*>", content)
    assert len(invalid) >= 4
    for field in invalid:
        if 'type="radio"' in field or 'type="checkbox"' in field:
            # A group of choices: its fieldset carries the message, read when the group is entered.
            name = re.search(r'name="([^"]+)"', field).group(1)
            field = re.search(rf'<fieldset aria-describedby="[^"]*id_{name}_error[^"]*">', content).group(0)
        described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        error_ids = [id_ for id_ in described_by if id_.endswith("_error")]
        assert error_ids, f"no error message tied to {field}"
        assert f'<ul class="errorlist" id="{error_ids[0]}">' in content


@pytest.mark.parametrize("path", FORMS)
def test_the_error_summary_links_to_each_field_with_an_error(client, path):
    content = client.post(path, {}).content.decode()
    summary = content[
        content.index('class="error-summary"') : content.index("</div>", content.index("error-summary"))
    ]
    for target in re.findall(r'<a href="#([^"]+)">', summary):
        assert f'id="{target}"' in content
