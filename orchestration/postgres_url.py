"""A PostgreSQL source or publish URL: parsed once, and never shown with its password.

The URL may carry a `schema` query parameter (where the contract tables live, default `public`); it is ours,
not libpq's, so it is taken out before the URL reaches the driver. The password may come from the URL or
from `PGPASSWORD`; `mask` removes both from any text (a driver's error message, say) before it is printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from orchestration.sql_identifiers import quote_identifier

POSTGRES_SCHEMES = ("postgresql", "postgres")
MASK = "***"


def is_postgres_url(text: str) -> bool:
    return text.split("://", 1)[0].lower() in POSTGRES_SCHEMES and "://" in text


@dataclass(frozen=True)
class PostgresUrl:
    """A parsed `postgresql://user:password@host:port/database?schema=...` URL."""

    driver_uri: str
    schema: str
    password: str | None

    @classmethod
    def parse(cls, url: str, default_schema: str = "public") -> PostgresUrl:
        parts = urlsplit(url)
        if parts.scheme.lower() not in POSTGRES_SCHEMES:
            raise ValueError(f"{mask_url(url)}: not a postgresql:// URL")
        query = parse_qsl(parts.query, keep_blank_values=True)
        schema = next((value for key, value in query if key == "schema"), default_schema)
        quote_identifier(schema)  # refuses a schema name that is not a plain identifier
        rest = urlencode([(key, value) for key, value in query if key != "schema"])
        driver_uri = urlunsplit(("postgresql", parts.netloc, parts.path, rest, ""))
        password = unquote(parts.password) if parts.password else None
        return cls(driver_uri, schema, password)

    @property
    def display(self) -> str:
        """The URL as it may be printed: the password replaced by ***, the schema shown."""
        return f"{mask_url(self.driver_uri)} (schema {self.schema})"

    def mask(self, text: str) -> str:
        """`text` with every form of the password (URL, percent-encoded, PGPASSWORD) replaced by ***."""
        return mask_secrets(mask_url(text), [self.password, os.environ.get("PGPASSWORD")])


def mask_url(text: str) -> str:
    """Replace the password of every `scheme://user:password@` in `text` with ***."""
    return re.sub(r"(\w+://[^:/@\s]*:)[^@\s]*@", rf"\g<1>{MASK}@", text)


def mask_secrets(text: str, secrets: list[str | None]) -> str:
    for secret in secrets:
        if secret:
            for form in {secret, quote(secret, safe="")}:
                text = text.replace(form, MASK)
    return text
