"""The load-test script's own logic: how it fills a form, whom it may target, how it counts."""

import queue
import threading
import time

import pytest

from bench.loadtest import Client, Plan, Tally, arrive, fill_form, percentile_ms, require_loopback

NEED_FORM = """
<form method="get" action="/products/"><input name="q"></form>
<form method="post" action="/needs/new/">
  <input type="hidden" name="csrfmiddlewaretoken" value="token123">
  <input name="title" maxlength="200"><textarea name="description"></textarea>
  <input type="email" name="contact_email">
  <select name="urgency"><option value="">---------</option><option value="high">High</option>
    <option value="low">Low</option></select>
  <input type="checkbox" name="themes" value="3"><input type="checkbox" name="themes" value="4">
  <input type="checkbox" name="consent_contact">
  <input type="file" name="attachment">
  <button type="submit" name="send">Send</button>
</form>
"""


def test_it_fills_every_field_of_the_post_form_with_the_marker_and_first_choices():
    data = fill_form(NEED_FORM, "run-1-1")
    assert data == {
        "csrfmiddlewaretoken": ["token123"],
        "title": ["Load test run-1-1: what we need to learn"],
        "description": ["Load test run-1-1: what we need to learn"],
        "contact_email": ["loadtest-run-1-1@example.org"],
        "urgency": ["high"],
        "themes": ["3"],
        "consent_contact": ["on"],
    }


@pytest.mark.parametrize("url", ["http://192.0.2.1:8000", "http://10.0.0.1/", "http://[2001:db8::1]/"])
def test_it_refuses_any_target_but_this_machine(url):
    with pytest.raises(SystemExit, match="only this machine"):
        require_loopback(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://[::1]:8000", "http://127.0.0.2/"])
def test_it_accepts_loopback_addresses(url):
    require_loopback(url)


def test_percentiles_are_in_milliseconds():
    seconds = [n / 1000 for n in range(1, 101)]  # 1 ms … 100 ms
    assert percentile_ms(seconds, 50) == pytest.approx(50.5)
    assert percentile_ms(seconds, 95) == pytest.approx(95.05)
    assert percentile_ms(seconds, 99) == pytest.approx(99.01)


@pytest.mark.django_db
def test_what_it_fills_in_on_the_real_needs_form_is_accepted_and_stored(client):
    """The run's "0 lost" only means something when its submissions are accepted: the honeypot must stay
    empty and every required field be answered."""
    from needs.models import KnowledgeNeed
    from tests.factories import PartnershipFactory

    PartnershipFactory()
    page = client.get("/needs/new/").content.decode()
    response = client.post("/needs/new/", fill_form(page, "run-2-7"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert KnowledgeNeed.objects.filter(title__contains="run-2-7").count() == 1


def test_it_leaves_fields_out_of_keyboard_reach_empty():
    page = NEED_FORM.replace("<textarea", '<input name="website" tabindex="-1"><textarea')
    assert "website" not in fill_form(page, "run-1-1")


class TestAnOpenLoad:
    """With --rate, actions arrive at that rate whatever the answers, and a request's time counts from its
    action's arrival: the wait for a free client in front of a busy server is in the figures."""

    def test_actions_arrive_at_the_rate_asked_until_the_end(self):
        arrivals = queue.Queue()
        start = time.monotonic()
        arrive(arrivals, rate=400, deadline=start + 0.5, clients=3)
        moments = []
        while (moment := arrivals.get_nowait()) is not None:
            moments.append(moment)
        assert 140 <= len(moments) <= 260  # 200 on average: a Poisson process
        assert moments == sorted(moments) and start < moments[0] and moments[-1] < start + 0.5
        assert [arrivals.get_nowait() for _ in range(2)] == [None, None]  # one end for each client
        assert arrivals.empty()

    def test_a_requests_time_counts_from_its_actions_arrival(self, monkeypatch):
        class Answer:
            status, headers = 200, {}

            def read(self):
                return b"ok"

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        plan = Plan(mix=[("home", 1)], detail_paths=[], words=[], notes=[])
        tally = Tally(budget=10)
        client = Client("http://127.0.0.1:9", plan, tally, 0, "run")
        monkeypatch.setattr(client.opener, "open", lambda *args, **kwargs: Answer())
        arrivals, missed = queue.Queue(), []
        arrivals.put(time.monotonic() - 0.3)  # arrived while every client was busy
        arrivals.put(None)
        client.take_arrivals(arrivals, time.monotonic() + 5, missed)
        client.home()  # a request of no action that waited
        waited, own = tally.results
        assert waited.seconds >= 0.3 and own.seconds < 0.1 and missed == []

    def test_arrivals_no_client_could_start_before_the_end_are_counted(self):
        plan = Plan(mix=[("home", 1)], detail_paths=[], words=[], notes=[])
        client = Client("http://127.0.0.1:9", plan, Tally(budget=10), 0, "run")
        arrivals, missed = queue.Queue(), []
        for moment in (1.0, 2.0, None):
            arrivals.put(moment)
        worker = threading.Thread(target=client.take_arrivals, args=(arrivals, time.monotonic(), missed))
        worker.start()
        worker.join(timeout=5)
        assert missed == [1.0, 2.0] and client.tally.results == []
