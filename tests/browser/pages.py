"""Opening the public pages in the browser, as the browser tests walk them."""

from tests.public_pages import PublicPage


def open_public_page(page, public_page: PublicPage, language: str) -> str:
    """Open the page (a form sent empty, when that is the variant) and say which it is."""
    path = public_page.path_in(language)
    response = page.goto(path)
    if public_page.sent_empty:
        with page.expect_navigation() as navigation:
            page.locator("form.public-form [type=submit]").click()
        response = navigation.value
    assert response.status == public_page.status, f"{path} answered {response.status}"
    return f"{public_page.name} ({path})"
