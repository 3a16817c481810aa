"""The relay from the change feed (the outbox) to Elasticsearch, and what happens when the
search server dies in the middle of it."""

from __future__ import annotations

import socket
import uuid
from datetime import date

import pytest

from registry.feed.services import FeedService
from registry.organisations.services import OrganisationService
from search.backends.base import SearchRequest
from search.backends.elasticsearch import ElasticsearchBackend
from search.outbox import Relay
from search.service import SearchService, register_documents
from search.verify import drift
from tests.conftest import need_service
from tests.organisations.factories import registration


def _free_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def own_server():
    """A search server of this test's own, which the test may kill and start again."""
    from osmem_server import OsmemServer

    address = _free_address()
    servers = []

    def start():  # type: ignore[no-untyped-def]
        try:
            server = OsmemServer.start(addr=address, japanese=False)
        except Exception as error:
            need_service(f"osmem-server could not start: {error}")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close(grace=1)


class KillsTheServer:
    """Wraps a backend; kills the server right after the first successful delivery."""

    def __init__(self, backend: ElasticsearchBackend, server) -> None:  # type: ignore[no-untyped-def]
        self.backend = backend
        self.server = server
        self.calls = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.backend, name)

    def upsert(self, documents):  # type: ignore[no-untyped-def]
        self.calls += 1
        written = self.backend.upsert(documents)
        if self.calls == 1:
            self.server.close(grace=1)
        return written


def test_relay_delivers_idempotently(search_server, session, clock):
    backend = ElasticsearchBackend(search_server.url, alias=f"relay-{uuid.uuid4().hex[:8]}")
    service = OrganisationService(session, clock)
    orgs = [service.register(registration()) for _ in range(4)]
    service.record_change(
        orgs[0].uscc, {"name": "南京市玄武区改名后的服务中心"}, effective_on=date(2020, 1, 1)
    )
    session.commit()
    relay = Relay(session, backend, clock, name=backend.alias)
    first = relay.run()
    assert (first.delivered, first.pending, first.error) == (4, 0, None)
    assert relay.run().delivered == 0  # nothing new: nothing sent
    assert not drift(register_documents(session), backend).has_drift
    hits = backend.search(SearchRequest(q="改名后")).hits
    assert [h.uscc for h in hits] == [orgs[0].uscc]
    relay.reset(0)  # delivering everything again changes nothing
    assert relay.run().error is None
    assert not drift(register_documents(session), backend).has_drift
    before = backend.live_indices()
    assert backend.reindex(register_documents(session)) == 4
    assert backend.live_indices() != before  # a new index behind the alias
    relay.reset(FeedService(session).head())  # as `search reindex` does
    assert relay.run().delivered == 0
    assert not drift(register_documents(session), backend).has_drift
    backend.client.indices.delete(index=backend.live_indices())


def test_a_server_killed_during_sync_loses_no_update(own_server, session, clock):
    server = own_server()
    url = f"http://{server.url.split('://', 1)[-1]}"
    backend = ElasticsearchBackend(url, alias="registry-fault", timeout=2)
    service = OrganisationService(session, clock)
    orgs = [service.register(registration()) for _ in range(6)]
    session.commit()

    # The server dies after the first batch of two.
    relay = Relay(session, KillsTheServer(backend, server), clock, name="fault")  # type: ignore[arg-type]
    stopped = relay.run(batch=2)
    assert stopped.error is not None
    assert stopped.delivered == 2 and stopped.pending == 4

    # Writes go on while it is down, and search answers from the database, degraded.
    service.record_change(
        orgs[1].uscc, {"legal_representative": "赵敏"}, effective_on=date(2021, 1, 1)
    )
    service.deregister(orgs[2].uscc, on=date(2022, 1, 1), reason="自行解散")
    late = service.register(
        registration(name="南京市玄武区停机期间登记的协会", kind="social_group")
    )
    session.commit()
    answer = SearchService(session, backend).search(SearchRequest(q="停机期间"))
    assert answer.degraded and [h.uscc for h in answer.hits] == [late.uscc]
    relay = Relay(session, backend, clock, name="fault")
    assert relay.run().error is not None  # still down: everything stays queued
    assert relay.pending() == 7  # 4 from before + a change, a deregistration, a registration

    # It comes back (empty: this server keeps nothing across restarts); the relay notices
    # the new index, replays the feed, and the index equals the register.
    own_server()
    recovered = relay.run()
    assert recovered.error is None and recovered.pending == 0
    report = drift(register_documents(session), backend)
    assert not report.has_drift, report.summary()
    assert report.index == 7
    found = SearchService(session, backend).search(SearchRequest(q=orgs[2].uscc))
    assert not found.degraded and found.hits[0].status == "deregistered"
