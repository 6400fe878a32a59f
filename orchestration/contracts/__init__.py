"""Data contracts: Great Expectations suites that every extracted batch is validated against."""
