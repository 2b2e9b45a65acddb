"""The issue fixtures, for the enterprise pages."""

from tests.issues.conftest import cast

__all__ = ["cast"]
