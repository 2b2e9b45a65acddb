from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobInFlight(models.Model):
    """A background job being run, and by which process. The queue (huey) forgets a job once a
    worker takes it; this row is the memory that lets a job whose worker died run again
    (sanfuwu.core.jobs.jobs_recover). Jobs make their effect once however often they run: each
    claims its work with compare-and-set."""

    task_id = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=200)
    message = models.BinaryField()
    claimed_by = models.CharField(max_length=80)
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} {self.claimed_by}"
