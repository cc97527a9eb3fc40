"""The supervision fixture (city, liaison, campaign, published commitment) serves the documents tests too."""

from tests.supervision.conftest import sup  # noqa: F401
