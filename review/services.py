"""What reviewers, experts and staff do, each action in one transaction.

Every state change goes through :func:`fire`: permission, conditions (each with its own
message), the transition, the append-only log; a lost race (another person acted on the
same application at the same moment) becomes a clear message and nothing is half-written.
"""

import random
import secrets
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application, AttachmentFile
from applications.rules import evaluate
from applications.scoping import visible_applications
from applications.services import fire, freeze_version
from applications.stages import acting_states, stage_params
from applications.states import State
from applications.uploads import UploadRejected, check_upload
from notices import outbox
from notices.events import portal_language
from notices.models import Job
from portal import creditcode
from portal.lifecycle import ActionRefused
from portal.models import Role

from .calendar import WorkingCalendar
from .models import (
    Assignment,
    CertificateCounter,
    Criterion,
    Decision,
    DistrictOpinion,
    Expert,
    ExpertDraw,
    FilingAgreement,
    FormalReview,
    Meeting,
    Objection,
    PeerOpinion,
    PublicityBatch,
    PublicityEntry,
    Score,
    SiteVisit,
    sha256_of,
)


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _load(application_id):
    try:
        return Application.objects.select_related("programme__authority", "unit", "district").get(pk=application_id)
    except Application.DoesNotExist:
        raise ActionRefused(_("The application no longer exists.")) from None


def _stored(data, name):
    return ContentFile(data, name=name)


def _check_pdf(uploaded, label=None):
    class _Req:
        name = label or _("letter")
        allow_images = False
        max_mb = 20

    return check_upload(uploaded, _Req())


# --- applicant ----------------------------------------------------------------------------------

def resubmit(application_id, user, ip=None):
    return fire(application_id, "resubmit", user, ip=ip, after=lambda app: freeze_version(app, user))


def withdraw(application_id, user, reason="", ip=None):
    return fire(application_id, "withdraw", user, reason=reason, ip=ip)


# --- district -----------------------------------------------------------------------------------

def add_peer_opinion(application, user, **data):
    if not (lifecycle.is_district_reviewer_of(application, user) and application.state == State.DISTRICT_REVIEW):
        raise ActionRefused(_("Only the district office can add peer opinions during its review."))
    return PeerOpinion.objects.create(application=application, added_by=user, **data)


def withdraw_peer_opinion(application, user, opinion_id, reason):
    """Withdraw a mistaken peer opinion during the district review; it stays on record and stops counting."""
    if not (lifecycle.is_district_reviewer_of(application, user) and application.state == State.DISTRICT_REVIEW):
        raise ActionRefused(_("Only the district office can withdraw peer opinions during its review."))
    if not reason.strip():
        raise ActionRefused(_("Please give the reason for withdrawing the peer opinion."))
    with transaction.atomic():
        opinion = PeerOpinion.objects.select_for_update().filter(application=application, pk=opinion_id).first()
        if opinion is None:
            raise ActionRefused(_("This peer opinion does not exist."))
        if opinion.withdrawn_at is not None:
            raise ActionRefused(_("This peer opinion has already been withdrawn."))
        opinion.withdrawn_at, opinion.withdrawn_by, opinion.withdrawn_reason = timezone.now(), user, reason.strip()[:200]
        opinion.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return opinion


def district_decide(application_id, user, decision, opinion, letter=None, ip=None):
    if not opinion.strip():
        raise ActionRefused(_("Please write the opinion (for a return: the reason)."))
    checked = None
    if letter is not None:
        try:
            checked = _check_pdf(letter)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None

    def record(application):
        row = DistrictOpinion(application=application, decision=decision, opinion=opinion, author=user)
        if checked is not None:
            row.sha256 = sha256_of(checked.data)
            row.letter_name = checked.original_name
            row.letter.save("letter.bin", _stored(checked.data, "letter.bin"), save=False)
        row.save()

    name = {"recommend": "recommend", "return": "return_for_revision", "not_recommend": "not_recommend"}[decision]
    return fire(application_id, name, user, reason=opinion, ip=ip, before=record)


# --- formal review ------------------------------------------------------------------------------

def formal_checklist(application):
    """Items generated from the programme: attachments present, conditions, member names."""
    items = []
    files = {}
    for f in AttachmentFile.objects.filter(attachment__application=application).select_related(
            "attachment__requirement").order_by("attachment_id", "-version"):
        files.setdefault(f.attachment.requirement.code, f)
    for req in application.programme.attachment_requirements.all():
        if not req.applies_to(application.lead_selected_by, application.unit.unit_type) and req.code not in files:
            continue
        present = req.code in files
        items.append({"key": f"attachment:{req.code}", "label": _("%(name)s uploaded") % {"name": req.name},
                      "status": "pass" if present else "fail", "detail": files[req.code].original_name if present else ""})
        if present:
            items.append({"key": f"signed:{req.code}", "label": _("%(name)s is signed and sealed") % {"name": req.name},
                          "status": "manual", "detail": _("check by reading the document")})
    for result in evaluate(application):
        if result.key.startswith("attachment:") or result.key == "completeness":
            continue
        items.append({"key": f"rule:{result.key}", "label": result.message, "status": result.status, "detail": ""})
    agreement = files.get("agreement")
    if agreement is not None:
        text = "".join(agreement.text_excerpt.split())
        names = [application.unit.name] + [m.name for m in application.members.all()]
        if not text.strip():
            for name in names:
                items.append({"key": "agreement_name", "label": _("“%(name)s” appears in the agreement") % {"name": name},
                              "status": "na", "detail": _("cannot check: the PDF has no text layer (scanned)")})
        else:
            for name in names:
                found = "".join(name.split()) in text
                items.append({"key": "agreement_name",
                              "label": _("“%(name)s” appears in the agreement") % {"name": name},
                              "status": "pass" if found else "fail", "detail": ""})
    return items


def formal_review_decide(application_id, user, passed, note, checklist, ip=None):
    if not passed and not note.strip():
        raise ActionRefused(_("Please give the reason for the return."))

    def record(application):
        FormalReview.objects.create(application=application, checklist=checklist, passed=passed, note=note, author=user)

    name = "pass_formal_review" if passed else "return_for_revision"
    return fire(application_id, name, user, reason=note, ip=ip, before=record)


# --- experts ------------------------------------------------------------------------------------

def conflicts(application, expert):
    """Why an expert may not evaluate this application (empty when there is no conflict)."""
    reasons = []
    codes = {application.unit.credit_code} | {creditcode.normalise(m.credit_code) for m in application.members.all()
                                               if m.credit_code}
    names = {application.unit.name} | {m.name for m in application.members.all()}
    if expert.affiliation_credit_code and creditcode.normalise(expert.affiliation_credit_code) in codes:
        reasons.append(_("affiliated with the lead or a member unit"))
    elif expert.affiliation in names:
        reasons.append(_("affiliated with the lead or a member unit"))
    related = {creditcode.normalise(r.credit_code) for r in expert.relations.all()}
    if related & codes:
        reasons.append(_("declared relation with the lead or a member unit"))
    return reasons


def draw_experts(application_id, user, count, field=None, seed=None, deadline=None, ip=None):
    """Draw ``count`` experts at random from the active pool matching the field, excluding conflicts.

    The seed and the ordered candidate list are recorded, so ``replay_draw`` gives the same result.
    """
    application = _load(application_id)
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    if application.state not in (State.EXPERT_PENDING, State.EXPERT_REVIEW):
        raise ActionRefused(_("Experts are drawn only during the expert evaluation."))
    field = application.field if field is None else field
    taken = set(application.assignments.values_list("expert_id", flat=True))
    candidates, excluded = [], []
    for expert in Expert.objects.filter(active=True).prefetch_related("relations").order_by("id"):
        if field and field not in expert.fields:
            continue
        if expert.pk in taken:
            continue
        reasons = conflicts(application, expert)
        if reasons:
            excluded.append({"id": expert.pk, "name": expert.name, "reasons": reasons})
        else:
            candidates.append(expert.pk)
    if len(candidates) < count:
        raise ActionRefused(_("Only %(n)d experts without conflict match the field %(field)s; %(count)d were asked for.")
                            % {"n": len(candidates), "field": field or "—", "count": count})
    seed = seed or secrets.token_hex(16)
    drawn = random.Random(seed).sample(candidates, count)
    deadline = deadline or (timezone.localdate() + timezone.timedelta(days=14))

    def record(app):
        draw = ExpertDraw.objects.create(application=app, seed=seed, requested=count, field=field or "",
                                         candidates=candidates, excluded=excluded, drawn=drawn, by=user)
        for expert_id in drawn:
            assignment = Assignment.objects.create(application=app, expert_id=expert_id, draw=draw, deadline=deadline)
            if assignment.expert.user_id:
                with portal_language():
                    outbox.notify([assignment.expert.user], "expert_invited",
                                  _("Invitation to evaluate: %(name)s") % {"name": app},
                                  _("You are invited to evaluate “%(name)s” (%(programme)s). Please answer and "
                                    "submit your scores by %(deadline)s.") % {
                                      "name": app, "programme": app.programme.title,
                                      "deadline": deadline.isoformat()},
                                  reverse("assignment_detail", args=[assignment.pk]))

    if application.state == State.EXPERT_PENDING:
        fire(application_id, "start_expert_review", user, ip=ip, before=record,
             reason=_("%(n)d experts drawn") % {"n": count})
    else:
        with transaction.atomic():
            record(application)
    return ExpertDraw.objects.filter(application=application).latest("at")


def replay_draw(draw):
    return random.Random(draw.seed).sample(draw.candidates, draw.requested)


def expert_of(user):
    return getattr(user, "expert_profile", None)


def respond_to_invitation(assignment, user, accept, no_conflict=False, reason=""):
    if expert_of(user) is None or assignment.expert_id != expert_of(user).pk:
        raise ActionRefused(_("This invitation is not yours."))
    if assignment.status != Assignment.Status.INVITED:
        raise ActionRefused(_("You have already answered this invitation."))
    if accept:
        if not no_conflict:
            raise ActionRefused(_("Please declare that you have no conflict of interest before you accept."))
        assignment.status = Assignment.Status.ACCEPTED
        assignment.no_conflict_declared_at = timezone.now()
    else:
        assignment.status = Assignment.Status.DECLINED
        assignment.declined_reason = reason
    assignment.save()
    return assignment


def weighted_total(scores, criteria):
    weights = {c.pk: c.weight for c in criteria}
    total_weight = sum(weights.values()) or Decimal(1)
    return (sum(s.score * weights[s.criterion_id] for s in scores) / total_weight).quantize(Decimal("0.01"))


@transaction.atomic
def submit_scores(assignment, user, scores, recommendation, comment, final=True):
    """``scores``: {criterion_id: (score, comment)}.  Saves a draft, or submits when ``final``."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if expert_of(user) is None or assignment.expert_id != expert_of(user).pk:
        raise ActionRefused(_("This assignment is not yours."))
    if assignment.status != Assignment.Status.ACCEPTED:
        raise ActionRefused(_("Scores can be given only after accepting, and only once."))
    criteria = list(criteria_for(assignment.application.programme))
    for criterion in criteria:
        value, note = scores.get(criterion.pk, (None, ""))
        if value is None:
            if final:
                raise ActionRefused(_("Please score every criterion."))
            continue
        if not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            raise ActionRefused(_("Scores are between 0 and 100."))
        Score.objects.update_or_create(assignment=assignment, criterion=criterion,
                                       defaults={"score": value, "comment": note})
    assignment.recommendation = recommendation
    assignment.overall_comment = comment
    if final:
        if not recommendation:
            raise ActionRefused(_("Please give an overall recommendation."))
        assignment.total = weighted_total(list(assignment.scores.all()), criteria)
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


DEFAULT_CRITERIA = [("建设基础", 30), ("攻关任务与目标", 30), ("组织架构与运行机制", 20), ("经费与保障", 20)]


def criteria_for(programme):
    criteria = list(programme.criteria.all())
    if not criteria:
        with transaction.atomic():
            for order, (name, weight) in enumerate(DEFAULT_CRITERIA):
                Criterion.objects.get_or_create(programme=programme, name=name,
                                                defaults={"weight": weight, "order": order})
        criteria = list(programme.criteria.all())
    return criteria


def aggregate(application, assignments=None):
    """The programme's aggregate of submitted totals: mean, or trimmed mean (≥5 experts)."""
    assignments = assignments if assignments is not None else application.assignments.all()
    totals = sorted(a.total for a in assignments if a.status == Assignment.Status.SUBMITTED and a.total is not None)
    if not totals:
        return None
    method = stage_params(application, "expert_review").get("aggregate", "mean")
    if method == "trimmed_mean" and len(totals) >= 5:
        totals = totals[1:-1]
    return (sum(totals) / len(totals)).quantize(Decimal("0.01"))


def conclude_experts(application_id, user, ip=None):
    return fire(application_id, "conclude_expert_review", user, ip=ip)


def record_site_visit(application, user, kind, date, place, participants, notes, attachment=None):
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    visit = SiteVisit(application=application, kind=kind, date=date, place=place, participants=participants,
                      notes=notes, by=user)
    if attachment is not None:
        try:
            checked = _check_pdf(attachment)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None
        visit.sha256 = sha256_of(checked.data)
        visit.attachment_name = checked.original_name
        visit.attachment.save("visit.bin", _stored(checked.data, "visit.bin"), save=False)
    visit.save()
    return visit


# --- decision -----------------------------------------------------------------------------------

def decide(application_ids, user, outcome, reason="", meeting=None, ip=None):
    """Approve or refuse one or many applications; all or nothing."""
    if outcome == "refuse" and not reason.strip():
        raise ActionRefused(_("Please give the reason for the refusal."))
    with transaction.atomic():
        if meeting is not None and meeting.pk is None:
            meeting.save()
        done = []
        for application_id in application_ids:
            def record(app):
                body = stage_params(app, "decision").get("meeting")
                if body and meeting is None:
                    raise ActionRefused(_("This programme decides at a meeting (%(body)s): record the meeting "
                                          "(date, body, minutes).") % {"body": body})
                Decision.objects.create(application=app, outcome=outcome, reason=reason, meeting=meeting, by=user)

            done.append(fire(application_id, "approve" if outcome == "approve" else "refuse", user, reason=reason,
                             ip=ip, before=record))
        return done


def new_meeting(programme, user, date, body, minutes):
    return Meeting(programme=programme, date=date, body=body, minutes=minutes, by=user)


# --- publicity and objections -------------------------------------------------------------------

def open_publicity(programme, application_ids, user, starts_on, title="", ip=None):
    if not application_ids:
        raise ActionRefused(_("Choose at least one approved application."))
    if user.role != Role.STAFF or user.authority_id != programme.authority_id:
        raise ActionRefused(_("You are not allowed to do this for this programme."))
    period = WorkingCalendar().period(starts_on, programme.publicity_working_days)
    with transaction.atomic():
        batch = PublicityBatch.objects.create(
            programme=programme, title=title or _("Publicity list of %(programme)s") % {"programme": programme.title},
            starts_on=starts_on, ends_on=period.end, working_days=programme.publicity_working_days,
            calendar_fallback=period.used_fallback, by=user)
        for application_id in application_ids:
            def record(app):
                if app.programme_id != programme.pk:
                    raise ActionRefused(_("An application of another programme was chosen."))
                PublicityEntry.objects.create(batch=batch, application=app)

            fire(application_id, "publicize", user, ip=ip, before=record,
                 reason=_("publicity %(start)s – %(end)s") % {"start": starts_on, "end": period.end})
        outbox.add_job(Job.Kind.PUBLICITY_LIST, f"{Job.Kind.PUBLICITY_LIST}:batch{batch.pk}", batch=batch)
    return batch, period


def submit_objection(entry, kind, content, person_name="", phone="", unit_name="", unit_credit_code="",
                     letter=None, today=None):
    """A public objection; refusals say exactly what is wrong."""
    today = today or timezone.localdate()
    batch = entry.batch
    if today < batch.starts_on:
        raise ActionRefused(_("The publicity period has not started yet."))
    if today > batch.ends_on:
        raise ActionRefused(_("The publicity period ended on %(end)s; late objections are not accepted.") % {
            "end": batch.ends_on.isoformat()})
    if entry.application.state != State.PUBLICITY:
        raise ActionRefused(_("This application is no longer in publicity."))
    if not content.strip():
        raise ActionRefused(_("Please state the objection and its facts."))
    objection = Objection(entry=entry, kind=kind, content=content.strip())
    if kind == Objection.Kind.PERSON:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not person_name.strip() or not phone.strip():
            raise ActionRefused(_("Anonymous objections are not accepted: give your real name and phone number."))
        if len(digits) < 7:
            raise ActionRefused(_("Please give a phone number where you can be reached."))
        objection.person_name, objection.phone = person_name.strip(), phone.strip()
    elif kind == Objection.Kind.UNIT:
        code = creditcode.normalise(unit_credit_code)
        if not unit_name.strip():
            raise ActionRefused(_("Anonymous objections are not accepted: give the unit's name."))
        problems = creditcode.problems(code)
        if problems:
            raise ActionRefused(problems[0].message)
        if letter is None:
            raise ActionRefused(_("A unit's objection needs its signed and sealed letter (PDF)."))
        try:
            checked = _check_pdf(letter)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None
        objection.unit_name, objection.unit_credit_code = unit_name.strip(), code
        objection.person_name, objection.phone = person_name.strip(), phone.strip()
        objection.letter_sha256 = sha256_of(checked.data)
        objection.letter.save("letter.bin", _stored(checked.data, "letter.bin"), save=False)
    else:
        raise ActionRefused(_("Say whether you object as an individual or as a unit."))
    objection.save()
    application = entry.application
    with portal_language():
        outbox.notify(outbox.users_with_role(Role.STAFF, authority_id=application.programme.authority_id), "objection_received",
                      _("Objection received: %(name)s") % {"name": application},
                      _("An objection to “%(name)s” was received during publicity and awaits your finding.") % {
                          "name": application}, reverse("publicity_batch", args=[batch.pk]))
    return objection


def record_finding(objection_id, user, finding, text, action="return", ip=None):
    """Upheld stops the application (returned or refused); dismissed lets it go on."""
    if not text.strip():
        raise ActionRefused(_("Please write the finding."))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("entry__application").get(pk=objection_id)
        application = objection.entry.application
        if not lifecycle.is_staff_of(application, user):
            raise ActionRefused(_("You are not allowed to do this for this application."))
        if objection.finding != Objection.Finding.PENDING:
            raise ActionRefused(_("This objection already has a finding."))
        objection.finding, objection.finding_text = finding, text
        objection.found_by, objection.found_at = user, timezone.now()
        objection.save()
        if finding == Objection.Finding.UPHELD:
            name = "return_for_revision" if action == "return" else "refuse"
            fire(application.pk, name, user, reason=_("Objection upheld: %(text)s") % {"text": text}, ip=ip)
    return objection


# --- filing -------------------------------------------------------------------------------------

def next_certificate_number(programme, year):
    """Gap-free and unique under concurrency: the counter row is locked until commit."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
                    prefix=programme.certificate_prefix, year=year)
                break
        except IntegrityError:
            continue
    counter = CertificateCounter.objects.select_for_update().get(prefix=programme.certificate_prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{programme.certificate_prefix}{year}{counter.last:04d}"


def file_applications(application_ids, user, ip=None, today=None):
    today = today or timezone.localdate()
    done = []
    with transaction.atomic():
        for application_id in application_ids:
            def number(app):
                app.certificate_number = next_certificate_number(app.programme, today.year)
                app.filed_on = today

            done.append(fire(application_id, "file", user, ip=ip, before=number))
        close_finished_batches([app.pk for app in done])
        if done:
            ids = sorted(app.pk for app in done)
            outbox.add_job(Job.Kind.FILING_ANNOUNCEMENT,
                           f"filing_announcement:{done[0].programme_id}:{today.isoformat()}:{ids[0]}-{ids[-1]}:{len(ids)}",
                           payload={"applications": ids, "programme": done[0].programme_id})
    return done


def store_filing_agreement(application_id, user, upload, signed_on, note=""):
    """Staff upload the signed agreement with targets of an approved application (kept with its versions)."""
    application = _load(application_id)
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    if not stage_params(application, "filing").get("agreement"):
        raise ActionRefused(_("This programme's filing needs no agreement."))
    if application.state not in (State.APPROVED, State.PUBLICITY):
        raise ActionRefused(_("The agreement is uploaded after approval and before filing."))
    if signed_on > timezone.localdate():
        raise ActionRefused(_("The signing date cannot be in the future."))
    try:
        checked = _check_pdf(upload, label=_("agreement with targets"))
    except UploadRejected as error:
        raise ActionRefused(str(error)) from None
    row = FilingAgreement(application=application, name=checked.original_name, sha256=sha256_of(checked.data),
                          signed_on=signed_on, note=note, uploaded_by=user)
    row.file.save("agreement.bin", _stored(checked.data, "agreement.bin"), save=False)
    row.save()
    return row


def close_finished_batches(application_ids):
    """Stamp ``filed_at`` on each publicity batch of these applications that has none left in publicity."""
    batches = PublicityBatch.objects.filter(entries__application_id__in=application_ids, filed_at__isnull=True)
    finished = batches.exclude(entries__application__state=State.PUBLICITY).distinct()
    return PublicityBatch.objects.filter(pk__in=finished.values("pk")).update(filed_at=timezone.now())


def waiting_queue(user):
    """Applications waiting for this user's action (the states in which the user's role acts)."""
    states = acting_states(user.role)
    return visible_applications(user).filter(state__in=states) if states else Application.objects.none()
