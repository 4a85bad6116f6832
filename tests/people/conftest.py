"""The calls fixture, for profiles that show ideas taken up."""

from tests.calls.conftest import open_call  # noqa: F401  (a fixture, found here by pytest)
