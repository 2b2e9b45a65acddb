"""The issue fixtures, for the API's tests."""

from tests.issues.conftest import cast

__all__ = ["cast"]
