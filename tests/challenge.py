"""Solving the objection form's challenge as a person would: read the picture's key from the page and its answer
from the store the picture is drawn from (captcha.models.CaptchaStore); there is no test mode."""

import re

from captcha.models import CaptchaStore

KEY = re.compile(r'name="captcha_0" value="([0-9a-f]+)"')


def challenge_of(page):
    """The key of the challenge shown on ``page`` (HTML)."""
    found = KEY.search(page)
    assert found, "no challenge on the page"
    return found.group(1)


def answer(page):
    """The form fields of the challenge on ``page``, answered right."""
    key = challenge_of(page)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def solved(client, url):
    """Open the form at ``url`` and answer its challenge."""
    return answer(client.get(url).content.decode())
