"""The applicant's side of the review: resubmission and withdrawal."""



from applications.services import fire, freeze_version


def resubmit(application_id, user, ip=None):
    return fire(application_id, "resubmit", user, ip=ip, after=lambda app: freeze_version(app, user))


def withdraw(application_id, user, reason="", ip=None):
    return fire(application_id, "withdraw", user, reason=reason, ip=ip)
