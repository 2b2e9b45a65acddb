"""The issue fixtures, for tests of what the issue workflow tells people."""

from tests.issues.conftest import cast

__all__ = ["cast"]
