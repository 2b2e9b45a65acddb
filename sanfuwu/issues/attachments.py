"""Photos and documents on an issue: checked by what the bytes are, not what the name claims."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.issues.models import Attachment, Issue
from sanfuwu.people.models import Person

MAX_BYTES = 10 * 1024 * 1024
# extension → (content type, the file's first bytes)
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}


def attachment_check(upload: UploadedFile) -> str:
    """The content type of an acceptable file, or a ValidationError saying why not."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise ValidationError({"file": _("只能上传 JPG、PNG 图片或 PDF、Word、Excel 文件。")})
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 10 MB。")})
    head = upload.read(16)
    upload.seek(0)
    content_type, signatures = kind
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError({"file": _("文件内容与扩展名不符，可能已损坏或被改名。")})
    return content_type


@transaction.atomic
def attachment_add(*, issue: Issue, actor: Person, upload: UploadedFile) -> Attachment:
    content_type = attachment_check(upload)
    name = PurePath(upload.name or "file").name[:200]
    return Attachment.objects.create(
        issue=issue, file=upload, name=name, content_type=content_type, size=upload.size or 0,
        uploaded_by=actor, event_seq=issue.version,
    )  # fmt: skip
