"""Import runs: a file handed in, checked or imported in the background, its result kept.

A small file runs at once, in the request; a large one is queued (sanfuwu.imports.jobs starts
either) and the page follows its progress, which the running import writes to the job queue's
store (Redis at scale, a file in var/ embedded) rather than to the database, whose import
transaction is still open.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.audit.context import acting_as
from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record
from sanfuwu.core.jobs import process_gone, queue, this_process
from sanfuwu.imports.engine import Outcome, Progress, import_file
from sanfuwu.imports.kinds import KINDS, Kind
from sanfuwu.imports.marked import error_workbook
from sanfuwu.imports.models import ImportRun, RunState, StoredFile
from sanfuwu.imports.workbook import FileRefused
from sanfuwu.notify.other_news import import_finished_news
from sanfuwu.people.models import Person

log = logging.getLogger("sanfuwu.imports")


def kind_for(person: Person, key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404("没有这种导入")
    if not kind.allowed(person):
        raise PermissionDenied(_("您的角色不能导入%(kind)s。") % {"kind": kind.title})
    return kind


def import_runs_of(person: Person) -> QuerySet[ImportRun]:
    """A run, its errors and its marked workbook belong to the person who handed the file in."""
    return ImportRun.objects.filter(created_by=person)


def import_run_get_for(person: Person, pk: int) -> ImportRun:
    run = import_runs_of(person).select_related("report").filter(pk=pk).first()
    if run is None:
        raise Http404("没有找到该导入记录")
    return run


def import_run_create(*, actor: Person, kind: Kind, filename: str, data: bytes, dry_run: bool) -> ImportRun:
    if not kind.allowed(actor):
        raise PermissionDenied(_("您的角色不能导入%(kind)s。") % {"kind": kind.title})
    upload = StoredFile.objects.create(name=filename[:200], data=data)
    return ImportRun.objects.create(
        kind=kind.key,
        filename=filename[:200],
        size=len(data),
        dry_run=dry_run,
        created_by=actor,
        upload=upload,
    )


def import_run_confirm(*, run: ImportRun, actor: Person) -> ImportRun:
    """After a dry run found nothing wrong: import the very same file."""
    upload = run.upload_id
    # Compare-and-set: a double click confirms once; the file moves from the check to the import.
    taken = ImportRun.objects.filter(
        pk=run.pk, created_by=actor, state=RunState.CHECKED, upload__isnull=False
    ).update(upload=None)
    if not taken:
        raise PermissionDenied(_("该检查结果已经确认过，或不是您本人的导入。"))
    return ImportRun.objects.create(
        kind=run.kind,
        filename=run.filename,
        size=run.size,
        dry_run=False,
        confirmed=True,
        created_by=actor,
        upload_id=upload,
    )


def _progress_key(run_id: int) -> str:
    return f"import-progress-{run_id}"


def import_progress(run: ImportRun) -> tuple[int, int]:
    if run.finished:
        return run.rows, run.rows
    found = queue.get(_progress_key(run.pk), peek=True)
    return (int(found[0]), int(found[1])) if found else (0, 0)


def _reporter(run_id: int, every: float = 0.5) -> Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every or done >= total:
            last[0] = now
            queue.put(_progress_key(run_id), (done, total))

    return report


def import_run_execute(*, run_id: int, progress: Progress | None = None) -> ImportRun:
    """The job itself. Claims the run (compare-and-set, so two workers never both run it),
    imports, and records the outcome; a crash is recorded too, and nothing is half-written."""
    claimed = ImportRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=timezone.now(), claimed_by=this_process()
    )
    run = ImportRun.objects.select_related("created_by", "upload").get(pk=run_id)
    if not claimed:
        return run
    kind = KINDS[run.kind]
    data = bytes(run.upload.data) if run.upload else b""
    publish = _reporter(run.pk)

    def both(done: int, total: int) -> None:
        publish(done, total)
        if progress is not None:
            progress(done, total)

    try:
        importer = kind.importer(actor=run.created_by, dry_run=run.dry_run)
        # Rows a worker writes name the person who handed the file in, not the worker.
        with acting_as(channel="import", actor_name=run.created_by.name, actor=run.created_by):
            outcome = import_file(importer, data, progress=both, filename=run.filename, checked=run.confirmed)
    except FileRefused as refused:
        _finish(run, state=RunState.REFUSED, message=str(refused))
    except Exception as crash:  # recorded for the person waiting on the page, then re-raised for the log
        log.exception("import %s failed", run.pk)
        _finish(run, state=RunState.FAILED, message=_("导入出错，没有写入任何数据：%(e)s") % {"e": crash})
        raise
    else:
        _record(run, outcome, data)
    return run


def _record(run: ImportRun, outcome: Outcome, data: bytes) -> None:
    report = None
    if outcome.errors:
        # Written to a file as it is built: the marked workbook of a large file never sits in
        # memory twice, and the database is written once, in one short statement.
        with tempfile.TemporaryFile() as marked:
            error_workbook(data, outcome.errors, marked, total=outcome.error_count)
            marked.seek(0)
            report = StoredFile.objects.create(name=f"{run.filename}-检查结果.xlsx", data=marked.read())
    state = RunState.REFUSED if outcome.errors else RunState.CHECKED if run.dry_run else RunState.DONE
    run.rows, run.created, run.updated, run.skipped = (
        outcome.rows,
        outcome.created,
        outcome.updated,
        outcome.skipped,
    )
    run.error_count = outcome.error_count
    run.errors = [asdict(e) for e in outcome.errors]
    run.preview = [asdict(p) for p in outcome.preview]
    run.notices = outcome.notices
    run.report = report
    _finish(run, state=state)


def _finish(run: ImportRun, *, state: str, message: str = "") -> None:
    # Compare-and-set: a run another server already marked as cut off stays as it was told.
    if not ImportRun.objects.filter(pk=run.pk, state=RunState.RUNNING, claimed_by=run.claimed_by).exists():
        log.warning("import %s was settled elsewhere meanwhile; its outcome here is dropped", run.pk)
        return
    run.state, run.message, run.finished_at = state, message, timezone.now()
    upload = run.upload_id
    # A checked file waits for its confirmation; any other file has served its purpose.
    if state != RunState.CHECKED:
        run.upload = None
    run.save()
    if upload and state != RunState.CHECKED:
        StoredFile.objects.filter(pk=upload).delete()
    queue.get(_progress_key(run.pk))  # reading without peeking removes it
    if state == RunState.DONE:
        audit_record(
            action=AuditAction.IMPORT, obj=run, object_repr=f"{KINDS[run.kind].title}：{run.filename}",
            actor=run.created_by, note=_summary(run, state),
        )  # fmt: skip
    if run.created_by_id:
        import_finished_news(
            author=run.created_by, run_id=run.pk, filename=run.filename, state_label=str(RunState(state).label),
            summary=_summary(run, state),
        )  # fmt: skip


def _summary(run: ImportRun, state: str) -> str:
    if state == RunState.CHECKED:
        return _("检查通过 %(n)s 行，请确认后导入。") % {"n": run.rows}
    if state == RunState.DONE:
        return _("新增 %(c)s 条，更新 %(u)s 条，跳过 %(s)s 条。") % {
            "c": run.created,
            "u": run.updated,
            "s": run.skipped,
        }
    if state == RunState.REFUSED and run.error_count:
        return _("发现 %(n)s 处错误，没有写入任何数据，请下载检查结果修改后重新导入。") % {
            "n": run.error_count
        }
    return run.message


KEEP_CHECKED = timedelta(days=7)
KEEP_REPORTS = timedelta(days=30)


def import_files_forget(*, now: datetime | None = None) -> int:
    """Uploaded files and marked workbooks hold people's data: a checked file waits a week for its
    confirmation, a marked workbook a month for its author; the runs themselves stay, as the record."""
    now = now or timezone.now()
    stale_uploads = ImportRun.objects.filter(upload__isnull=False, finished_at__lt=now - KEEP_CHECKED)
    stale_reports = ImportRun.objects.filter(report__isnull=False, finished_at__lt=now - KEEP_REPORTS)
    files = set(stale_uploads.values_list("upload_id", flat=True)) | set(
        stale_reports.values_list("report_id", flat=True)
    )
    stale_uploads.update(upload=None)
    stale_reports.update(report=None)
    deleted, _ = StoredFile.objects.filter(pk__in=files).delete()
    return deleted


def import_runs_recover() -> int:
    """At the start of a web server or worker: runs left 正在导入 by a process that no longer exists
    (killed, or the machine restarted) are marked failed. Their writes were one transaction, which
    the database rolled back when the process died; the run says so, and the file can be imported
    again."""
    failed = 0
    for run in ImportRun.objects.filter(state=RunState.RUNNING).select_related("created_by", "upload"):
        if not process_gone(run.claimed_by, run.started_at, other_hosts_after=timedelta(hours=6)):
            continue
        message = _("导入进行中被中断（服务重启或进程终止），没有写入任何数据，请重新导入。")
        # Compare-and-set: two servers starting at once mark it once.
        cut = ImportRun.objects.filter(pk=run.pk, state=RunState.RUNNING, claimed_by=run.claimed_by).update(
            state=RunState.FAILED, message=message, finished_at=timezone.now(), upload=None
        )
        if not cut:
            continue
        failed += 1
        if run.upload_id:
            StoredFile.objects.filter(pk=run.upload_id).delete()
        if run.created_by_id:
            import_finished_news(
                author=run.created_by, run_id=run.pk, filename=run.filename,
                state_label=str(RunState.FAILED.label), summary=message,
            )  # fmt: skip
    return failed
