"""Source URLs: parsed once, and never printed with their password."""

from __future__ import annotations

import pytest

from orchestration.postgres_url import PostgresUrl, is_postgres_url, mask_url
from orchestration.sql_identifiers import UnsafeIdentifierError


def test_a_postgres_url_is_told_apart_from_a_directory() -> None:
    assert is_postgres_url("postgresql://crm@db/crm") and is_postgres_url("postgres://crm@db/crm")
    assert not is_postgres_url("data/sample_crm") and not is_postgres_url("/tmp/postgresql")


def test_the_schema_parameter_is_ours_and_does_not_reach_the_driver() -> None:
    url = PostgresUrl.parse("postgresql://crm:pw@db:5432/crm?schema=sales&sslmode=require")
    assert url.schema == "sales"
    assert url.driver_uri == "postgresql://crm:pw@db:5432/crm?sslmode=require"
    assert PostgresUrl.parse("postgresql://crm@db/crm").schema == "public"


def test_a_schema_that_is_not_a_plain_identifier_is_refused() -> None:
    with pytest.raises(UnsafeIdentifierError):
        PostgresUrl.parse('postgresql://crm@db/crm?schema=x";drop schema public cascade;--')


def test_the_password_is_masked_in_the_url_and_in_any_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "from-the-environment")
    url = PostgresUrl.parse("postgresql://crm:p%40ss%2Fw0rd@db:5432/crm")
    assert url.password == "p@ss/w0rd"
    assert url.display == "postgresql://crm:***@db:5432/crm (schema public)"
    message = "could not connect with p@ss/w0rd (p%40ss%2Fw0rd), PGPASSWORD=from-the-environment"
    assert url.mask(message) == "could not connect with *** (***), PGPASSWORD=***"
    assert (
        mask_url("see postgres://a:b@h/d and postgresql://x@h/d") == "see postgres://a:***@h/d and postgresql://x@h/d"
    )
