"""Make the demo CA and one signing certificate for every issuer (authority and district office).

    python manage.py signing_keys

Used at set-up for the demo and the tests (``SIGNING_DEMO_CA``); an issuer added later gets its
certificate the first time it signs.  In production the keys are each authority's own PKCS#12 files,
configured with ``SIGNING_KEYS_JSON`` (see docs/architecture.md, "Official papers"): this command then
only reports which issuers have none.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from notices import signing
from portal.models import Authority, District


class Command(BaseCommand):
    help = "Make the demo CA and a signing certificate per issuer (demo and tests); report missing keys."

    def handle(self, *args, **options):
        issuers = sorted(set(Authority.objects.values_list("name", flat=True)) | set(
            District.objects.values_list("name", flat=True)))
        if not settings.SIGNING_DEMO_CA:
            missing = [name for name in issuers if name not in settings.SIGNING_KEYS]
            for name in missing:
                self.stderr.write(f"没有签名密钥：{name}")
            self.stdout.write(f"{len(issuers) - len(missing)}/{len(issuers)} 个发文机关已配置签名密钥。")
            return
        before = set(signing.demo_dir().glob("issuer-*.p12"))
        for name in issuers:
            signing.key_file(name)  # made by the demo CA when absent
        made = len(set(signing.demo_dir().glob("issuer-*.p12")) - before)
        self.stdout.write(f"演示签名证书：{len(issuers)} 个发文机关（新建 {made} 个），目录 {signing.demo_dir()}。")
