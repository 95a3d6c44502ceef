"""Nothing submitted is lost: many people sending needs at the same moment each get exactly one stored need,
on SQLite (one file, one writer at a time) as on PostgreSQL."""

import http.cookiejar
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from needs.models import KnowledgeNeed
from tests.factories import PartnershipFactory

SENDERS = 50
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class RoomyServer(ThreadedWSGIServer):
    # Django's test server queues 10 connections and resets the rest; gunicorn queues 2048.
    request_queue_size = 2 * SENDERS


class RoomyServerThread(LiveServerThread):
    server_class = RoomyServer


@pytest.fixture
def server_url(transactional_db, django_db_serialized_rollback):
    """A live server in a thread, each request on its own database connection, as behind gunicorn. The
    reference data (learning formats) is put back first: another transactional test may have flushed it."""
    thread = RoomyServerThread("localhost", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()


class KeepRedirects(HTTPRedirectHandler):
    """Answer a redirect as it is: the 302 to the thank-you page is the success we count."""

    def redirect_request(self, *args, **kwargs):
        return None


def sender(url: str, partnership_id: int, start: threading.Barrier):
    def send(n: int) -> tuple[int, str]:
        browser = build_opener(HTTPCookieProcessor(http.cookiejar.CookieJar()), KeepRedirects)
        token = TOKEN.search(browser.open(url, timeout=60).read().decode()).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "partnership": partnership_id,
            "organisation_name": f"Organisation {n}",
            "contact_name": f"Person {n}",
            "contact_email": f"person{n}@example.org",
            "title": f"Concurrent need {n}",
            "description": "Sent at the same moment as many others.",
            "urgency": "medium",
            "learning_formats": ["1", "2"],
            "countries": ["UG", "KE"],
        }
        start.wait(timeout=60)  # Every sender holds its form; now all post at once.
        request = Request(url, data=urlencode(data, doseq=True).encode(), method="POST")
        try:
            with browser.open(request, timeout=120) as response:
                return response.status, ""
        except HTTPError as answer:
            return answer.code, answer.headers.get("Location", "")

    return send


@pytest.mark.slow
def test_fifty_needs_sent_at_once_are_each_stored_exactly_once(server_url, settings):
    settings.SUBMISSION_RATE_LIMIT = ""  # One address sends them all here; the limit is tested elsewhere.
    partnership = PartnershipFactory()
    send = sender(f"{server_url}/needs/new/", partnership.pk, threading.Barrier(SENDERS))

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        answers = list(pool.map(send, range(SENDERS)))
    seconds = time.monotonic() - began

    succeeded = [
        n for n, (status, location) in enumerate(answers) if status == 302 and "/thanks/" in location
    ]
    assert len(succeeded) == SENDERS, answers
    stored = list(KnowledgeNeed.objects.values_list("title", flat=True))
    assert sorted(stored) == sorted(f"Concurrent need {n}" for n in succeeded)
    assert KnowledgeNeed.objects.values("reference").distinct().count() == SENDERS
    assert KnowledgeNeed.countries.through.objects.count() == 2 * SENDERS
    print(f"{SENDERS} needs sent at once, all stored, in {seconds:.1f} s")
