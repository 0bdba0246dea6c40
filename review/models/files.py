"""Where the review's uploads are stored, and their checksum."""

import hashlib


def review_file_path(instance, filename):
    digest = instance.sha256[:16] if getattr(instance, "sha256", "") else "file"
    return f"review/{instance._meta.model_name}/{instance.application_id}/{digest}.bin"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
