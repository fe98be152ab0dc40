"""The benchmark's CPU accounting for PostgreSQL (bench/server.py): P2's CPU per request and the
students-two-cores-could-serve estimate rest on it."""

import pytest
from django.db import connection

from bench.server import postgres_server_cpu

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="measures the local PostgreSQL server"
)


@pytest.mark.django_db(transaction=True)
def test_counts_the_cpu_of_a_backend_that_has_ended():
    before = postgres_server_cpu()
    # A connection of its own, so its backend does the work and then ends.
    worker = connection.copy()
    with worker.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    worker.close()
    # Counted only through the postmaster's reaped-children times once the backend is gone.
    assert postgres_server_cpu() - before >= 0.05
