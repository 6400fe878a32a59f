"""The CRM application's PostgreSQL database as a source: incremental, streamed extraction into `raw`."""
