"""The issue fixtures, for Open311."""

from tests.issues.conftest import cast

__all__ = ["cast"]
