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
