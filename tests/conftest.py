"""Session-wide fixtures live in tests/fixtures/*; each starts and stops a real service."""

pytest_plugins = [
    "tests.fixtures.pcsc",
    "tests.fixtures.display",
    "tests.fixtures.gateway",
    "tests.fixtures.postgres",
    "tests.fixtures.coturn",
]
