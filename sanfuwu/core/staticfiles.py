"""Static files under their content's hash, compressed, for `sanfuwu serve --workers N`.

Before it starts, `serve --workers` collects the static files into var/static (only when they
changed since the last collection), and from then on its pages name each file by its hash
(tabler.min.3f1c2a9b04e7.css), which WhiteNoise serves gzipped with a Cache-Control of ten years:
a new content is a new name. Every other process — the embedded `sanfuwu serve`, the tests, the
commands — names the plain files, which WhiteNoise serves from the packages themselves with a
short Cache-Control, as before; so a file edited later is never hidden behind an old collection.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import storages
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

# No page loads these: the packages' source maps (41 MB of their 90), TypeScript declarations,
# Sass sources, read-mes and demo pages. They stay reachable under their plain names.
NOT_COLLECTED = ["*.map", "*.ts", "*.scss", "*.md", "*.html"]
# collectstatic's own defaults, which a list of one's own replaces.
_DEFAULT_IGNORED = ["CVS", ".*", "*~"]
_STAMP_FORMAT = "1"


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
    # Only the hashed names are kept in var/static: the plain ones stay where the packages are.
    keep_only_hashed_files = True
    # Set by collect_for_serving() in the process that serves the collection, and so in its forks.
    hashed = False

    def stored_name(self, name: str) -> str:
        if not self.hashed:
            return name
        try:
            return super().stored_name(name)
        except ValueError:  # not collected (a source map): served under its plain name
            return name

    def url_converter(
        self, name: str, hashed_files: dict[str, str], template: str | None = None
    ) -> Callable[[re.Match[str]], str]:
        convert = super().url_converter(name, hashed_files, template)

        def leave_missing_as_written(found: re.Match[str]) -> str:
            # The packages' CSS and JS name files that are not collected (source maps) or that
            # they do not ship at all (tom-select's .css.map): such a name stays as written.
            try:
                return str(convert(found))
            except ValueError:
                return found.group("matched")

        return leave_missing_as_written


def collect_for_serving() -> bool:
    """Collect the static files under hashed names unless they are unchanged since the last
    collection, and name them so in this process from now on. True if it collected; nothing at
    all when the settings' storage is another."""
    storage = storages["staticfiles"]
    if not isinstance(storage, CollectedStaticFilesStorage):
        return False
    ignored = [*_DEFAULT_IGNORED, *NOT_COLLECTED]
    stamp = _sources_stamp(ignored)
    stamp_file = settings.VAR_DIR / "static-collected.txt"
    unchanged = (
        storage.exists(storage.manifest_name)
        and stamp_file.exists()
        and stamp_file.read_text(encoding="utf-8") == stamp
    )
    if not unchanged:
        stamp_file.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, clear=True, verbosity=0, ignore_patterns=ignored)
        stamp_file.write_text(stamp, encoding="utf-8")
    storage.hashed = True
    return not unchanged


def _sources_stamp(ignored: list[str]) -> str:
    """What the finders would collect: every file's name, size and time of change."""
    entries = [_STAMP_FORMAT, *NOT_COLLECTED]
    for finder in finders.get_finders():
        for path, source in finder.list(ignored):
            status = os.stat(source.path(path))
            prefix = getattr(source, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\t{status.st_size}\t{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()
