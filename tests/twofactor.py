"""The second factor in tests: a verified session for a user, and the code a device shows."""

from django_otp import DEVICE_ID_SESSION_KEY

from portal.twofactor import current_code, enrol


def verify_session(session, user):
    """Mark ``session`` as verified by ``user``'s TOTP device (enrolled if need be), as the login's code step
    does: the second factor stays required in the suite, and a signed-in test user of a role that needs it
    has passed it."""
    session[DEVICE_ID_SESSION_KEY] = enrol(user).persistent_id


def code_for(user):
    """The code ``user``'s authenticator app would show now."""
    return current_code(enrol(user))


def unused_code_for(user):
    """A code ``user``'s device accepts now although the current one may have been used already (a second login
    within the same 30 seconds): the next step's code, which django-otp takes within its tolerance of one step."""
    import time

    from django_otp.oath import TOTP

    device = enrol(user)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t() + 1:  # this step's and the next one's both used: wait for the next step
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.5)
        return unused_code_for(user)
    if device.last_t >= totp.t():
        totp.drift += 1
    return str(totp.token()).zfill(device.digits)
