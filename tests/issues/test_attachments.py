from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanfuwu.issues.models import Attachment
from sanfuwu.people.models import Role
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, new_issue

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(cast: Cast, role: str, name: str, content: bytes, issue=None):
    issue = issue or new_issue(cast)
    client = client_for(cast.people[role])
    response = client.post(
        reverse("issues:attach", args=[issue.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    return issue, response


def test_the_registrar_attaches_a_photo_that_others_in_scope_can_open(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue, response = upload(cast, Role.VISITOR, "现场.png", PNG)
    assert response.status_code == 302
    attachment = Attachment.objects.get(issue=issue)
    assert attachment.content_type == "image/png" and attachment.name == "现场.png"
    url = reverse("issues:attachment", args=[issue.pk, attachment.pk])
    assert client_for(cast.people[Role.LEADER]).get(url).status_code == 200
    outsider = make_person("by", [Role.DISPATCHER], region=cast.world.baiyang)
    assert client_for(outsider).get(url).status_code == 404


def test_it_refuses_a_file_whose_bytes_are_not_what_its_name_says(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, response = upload(cast, Role.VISITOR, "照片.jpg", b"MZ\x90\x00 not a jpeg")
    assert response.status_code == 400
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not Attachment.objects.exists()


def test_it_refuses_other_types_and_oversized_files(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, response = upload(cast, Role.VISITOR, "script.exe", b"MZ")
    assert "只能上传" in response.content.decode()
    _, response = upload(cast, Role.VISITOR, "big.png", PNG + b"\x00" * (10 * 1024 * 1024))
    assert "不能超过 10 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_someone_with_nothing_to_do_on_the_issue_cannot_attach(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, response = upload(cast, Role.EVALUATOR, "a.png", PNG)
    assert response.status_code == 302 and not Attachment.objects.exists()
