"""Uploads in an S3-compatible object store (PACESETTER_S3_BUCKET, django-storages), tested for real against a
local S3 server: moto's, started here as its own process and spoken to over HTTP by the same boto3 client
that would speak to MinIO or AWS. A photo goes up through the record page, lands as a private object in the
bucket (not in MEDIA_ROOT), is streamed back by the app after its access check, and is removed with the photo.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from pacesetter.records import services
from pacesetter.records.models import RecordPhoto
from tests.deploy.test_settings import settings_of
from tests.records.conftest import png_bytes, record_fields

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")
pytest.importorskip("moto")

BUCKET = "pacesetter-uploads"
KEYS = {"access_key": "test-key", "secret_key": "test-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert proc.poll() is None, "the S3 server exited"
                assert time.monotonic() < deadline, "the S3 server did not start in 60 s"
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = str(tmp_path / "media")  # must stay empty
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "location": "media",
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                **KEYS,
            },
        },
    }
    try:
        yield client
    finally:
        objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        for o in objects:
            client.delete_object(Bucket=BUCKET, Key=o["Key"])
        client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db(transaction=True)  # the object is removed on commit, as in production
def test_a_photo_goes_to_the_bucket_comes_back_through_the_app_and_leaves_with_the_photo(
    city, client_for, bucket, tmp_path
):
    record = services.record_create(actor=city.member_user, member=city.teacher, **record_fields())
    member = client_for(city.member_user)
    response = member.post(
        reverse("records:photo-add", args=[record.pk]),
        {"caption": "对象存储", "photos": _upload()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    photo = RecordPhoto.objects.get(record=record)
    assert keys(bucket) == [f"media/{photo.image.name}"]
    assert not any((tmp_path / "media").rglob("*"))  # nothing on the host's disk
    stored = bucket.get_object(Bucket=BUCKET, Key=f"media/{photo.image.name}")["Body"].read()
    assert stored == png_bytes()
    # Private: the object cannot be read without a signature.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{bucket.meta.endpoint_url}/{BUCKET}/media/{photo.image.name}", timeout=5)

    download = member.get(reverse("records:photo", args=[photo.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert client_for(None).get(reverse("records:photo", args=[photo.pk])).status_code in (302, 403, 404)

    response = member.post(reverse("records:photo-delete", args=[photo.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not RecordPhoto.objects.filter(pk=photo.pk).exists()
    assert keys(bucket) == []


@pytest.mark.django_db(transaction=True)
def test_a_photo_refused_by_the_checks_never_reaches_the_bucket(city, client_for, bucket):
    record = services.record_create(actor=city.member_user, member=city.teacher, **record_fields())
    response = client_for(city.member_user).post(
        reverse("records:photo-add", args=[record.pk]),
        {"caption": "不是图片", "photos": _upload(b"%PDF-1.4 not an image", "x.png")},
    )
    assert response.status_code in (200, 302, 400, 422)  # the page tells the refusal; nothing stored
    assert not RecordPhoto.objects.filter(record=record).exists()
    assert keys(bucket) == []


def _upload(content: bytes | None = None, name: str = "site.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type="image/png")


def test_the_bucket_is_a_setting(tmp_path):
    result = settings_of(
        tmp_path,
        PACESETTER_S3_BUCKET="city-uploads",
        PACESETTER_S3_ENDPOINT_URL="https://minio.internal:9000",
        PACESETTER_S3_ACCESS_KEY="k",
        PACESETTER_S3_SECRET_KEY="s",
        PACESETTER_S3_PREFIX="/pacesetter/",
    )
    assert result.returncode == 0, result.stderr
    storages = json.loads(result.stdout.splitlines()[0])["STORAGES"]
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "city-uploads"
    assert default["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert default["OPTIONS"]["location"] == "pacesetter"
    assert default["OPTIONS"]["default_acl"] is None and default["OPTIONS"]["querystring_auth"] is True
    assert storages["staticfiles"]["BACKEND"] != default["BACKEND"]  # static files stay with WhiteNoise
    plain = json.loads(settings_of(tmp_path).stdout.splitlines()[0])["STORAGES"]["default"]
    assert plain["BACKEND"] == "django.core.files.storage.FileSystemStorage"
