"""Label certification over the tables: bodies, cases, certificates, labels, credit records.

Every public method is one transaction that applies the pure rules of
:mod:`tanzuji.certification` and writes each state change to the ledger in the same
transaction, so a refused step changes nothing. An application stores its study byte for byte
(the study file and the factor tables and databases it names) with the factor releases it
pinned. Calculating is not the store's business: PCF verification and peer review are handed
the function that recomputes a stored study (``certification.casefiles.recompute_total``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tanzuji.certification import bodies, certificates, credit, flags, impartiality, peer
from tanzuji.certification import workflow as wf
from tanzuji.certification.config import CertConfig
from tanzuji.certification.errors import CertificationError
from tanzuji.ledger.log import record, serialise
from tanzuji.store.db import (
    NoSchemaError,
    open_engine,
    transaction,
)
from tanzuji.store.tables import (
    CertAuditor,
    CertBody,
    CertCase,
    CertCaseEvent,
    CertCaseFile,
    CertCertificate,
    CertCertificateEvent,
    CertCredit,
    CertFinding,
    CertLabel,
    CertOrganisation,
    CertPeerReview,
    CertRelationship,
)

ORG_KINDS = ("enterprise", "consultant")
SEVERITIES = ("major", "minor")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ledger(s: Session, actor: str, action: str, kind: str, object_id: str,
            payload: dict[str, Any]) -> None:
    record(s, actor=actor, action=action, kind=kind, object_id=object_id,
           payload=json.loads(json.dumps(payload, default=str)))


def _need(value: str, field: str) -> str:
    if not value or not value.strip():
        raise CertificationError("must not be empty", field)
    return value.strip()


class CertificationDB:
    """Certification bodies, cases, certificates, labels and credit behind one engine."""

    def __init__(self, engine: Engine, config: CertConfig | None = None) -> None:
        self.engine = engine
        self.config = config or CertConfig.from_env()

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = False,
             config: CertConfig | None = None) -> CertificationDB:
        try:
            return cls(open_engine(url, migrate), config)
        except NoSchemaError as exc:
            raise CertificationError(str(exc)) from None

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction, holding the ledger's lock from the start: every change here is
        recorded in the ledger anyway, and case and certificate numbers are drawn from counts
        that a concurrent writer must not see half-way."""
        with transaction(self.engine) as s:
            serialise(s)
            yield s

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A transaction that only reads (every lookup, list and view): no ledger lock, so
        reads neither queue behind a writer nor behind each other; they see committed steps."""
        with transaction(self.engine) as s:
            yield s

    # -- parties -----------------------------------------------------------------------------

    def add_organisation(self, org_id: str, name: str, kind: str, actor: str) -> None:
        if kind not in ORG_KINDS:
            raise CertificationError(f"{kind!r} is not one of {', '.join(ORG_KINDS)}", "kind")
        with self._tx() as s:
            if s.get(CertOrganisation, org_id):
                raise CertificationError(f"organisation {org_id} exists already", "id")
            s.add(CertOrganisation(id=_need(org_id, "id"), name=_need(name, "name"), kind=kind,
                                   created_by=actor))
            _ledger(s, actor, "create", "organisation", org_id, {"name": name, "kind": kind})

    def add_body(self, body_id: str, name: str, cnca_approval: str | None,
                 pilot_qualified: bool, categories: Sequence[str], actor: str) -> None:
        with self._tx() as s:
            if s.get(CertBody, body_id):
                raise CertificationError(f"body {body_id} exists already", "id")
            s.add(CertBody(id=_need(body_id, "id"), name=_need(name, "name"),
                           cnca_approval=cnca_approval or None, pilot_qualified=pilot_qualified,
                           categories=list(categories), status="active", created_by=actor))
            _ledger(s, actor, "create", "body", body_id,
                    {"name": name, "cnca_approval": cnca_approval,
                     "pilot_qualified": pilot_qualified, "categories": list(categories)})

    def add_auditor(self, auditor_id: str, body_id: str, name: str, full_time: bool,
                    pcf_years: float, categories: Sequence[str], actor: str) -> None:
        if pcf_years < 0:
            raise CertificationError("must not be negative", "years")
        with self._tx() as s:
            self._body(s, body_id)
            if s.get(CertAuditor, auditor_id):
                raise CertificationError(f"auditor {auditor_id} exists already", "id")
            s.add(CertAuditor(id=_need(auditor_id, "id"), body_id=body_id, name=_need(name, "name"),
                              full_time=full_time, pcf_years=pcf_years,
                              categories=list(categories), created_by=actor))
            _ledger(s, actor, "create", "auditor", auditor_id,
                    {"body": body_id, "name": name, "full_time": full_time,
                     "pcf_years": pcf_years, "categories": list(categories)})

    def relate(self, subject: str, kind: str, other: str, product_model: str | None,
               note: str | None, actor: str) -> None:
        """Record a relationship that bears on impartiality."""
        if kind not in impartiality.KINDS:
            raise CertificationError(f"{kind!r} is not one of {', '.join(impartiality.KINDS)}",
                                     "kind")
        with self._tx() as s:
            for field, party in (("subject", subject), ("other", other)):
                if not self._party_known(s, party):
                    raise CertificationError(f"no body, auditor or organisation {party!r}", field)
            s.add(CertRelationship(subject=subject, kind=kind, other=other,
                                   product_model=product_model, note=note, recorded_by=actor))
            _ledger(s, actor, "relate", "relationship", f"{subject}~{other}",
                    {"subject": subject, "kind": kind, "other": other,
                     "product_model": product_model, "note": note})

    @staticmethod
    def _party_known(s: Session, party: str) -> bool:
        return any(s.get(t, party) is not None
                   for t in (CertBody, CertAuditor, CertOrganisation))

    # -- lookups -----------------------------------------------------------------------------

    @staticmethod
    def _body(s: Session, body_id: str) -> CertBody:
        row = s.get(CertBody, body_id)
        if row is None:
            raise CertificationError(f"no certification body {body_id!r}", "body")
        return row

    @staticmethod
    def _case(s: Session, case_id: str) -> CertCase:
        row = s.get(CertCase, case_id)
        if row is None:
            raise CertificationError(f"no case {case_id!r}", "case")
        return row

    @staticmethod
    def _certificate(s: Session, number: str) -> CertCertificate:
        row = s.get(CertCertificate, number)
        if row is None:
            raise CertificationError(f"no certificate {number!r}", "certificate")
        return row

    @staticmethod
    def _auditors(s: Session, body_id: str | None = None) -> list[bodies.Auditor]:
        q = select(CertAuditor)
        if body_id is not None:
            q = q.where(CertAuditor.body_id == body_id)
        return [bodies.Auditor(a.id, a.body_id, a.name, a.full_time, a.pcf_years,
                               tuple(a.categories)) for a in s.scalars(q)]

    @staticmethod
    def _as_body(b: CertBody) -> bodies.Body:
        return bodies.Body(b.id, b.name, b.cnca_approval, b.pilot_qualified,
                           tuple(b.categories), b.status)

    @staticmethod
    def _relations(s: Session) -> list[impartiality.Relationship]:
        return [impartiality.Relationship(r.subject, r.kind, r.other, r.product_model)
                for r in s.scalars(select(CertRelationship))]

    @staticmethod
    def _credit(s: Session) -> list[credit.CreditRecord]:
        return [credit.CreditRecord(r.party_kind, r.party_id, r.kind, r.on, r.until, r.fraud)
                for r in s.scalars(select(CertCredit))]

    def _check_body_for_case(self, s: Session, case: CertCase, on: dt.date) -> None:
        body = self._body(s, case.body_id)
        credit.check_body_may_take_cases(self._credit(s), body.id, on)
        problems = bodies.case_problems(self._as_body(body), self._auditors(s, body.id),
                                        self.config, case.pcr_id, case.cpc)
        problems += impartiality.conflicts(body.id, case.applicant_id, case.product_model,
                                           self._relations(s))
        if problems:
            raise CertificationError("; ".join(problems), "body")

    # -- the case workflow -------------------------------------------------------------------

    def apply(self, app: wf.Application, applicant: str, body_id: str, actor: str, *,
              tolerance_percent: float | None = None, on: dt.date | None = None) -> str:
        """Open a case for a prepared application (``casefiles.prepare_application``):
        its files are stored; returns the case id."""
        on = on or today()
        wf.check_documents([f.role for f in app.files])
        tolerance = self.config.tolerance_percent if tolerance_percent is None \
            else tolerance_percent
        if tolerance < 0:
            raise CertificationError("must not be negative", "tolerance")
        with self._tx() as s:
            org = s.get(CertOrganisation, applicant)
            if org is None or org.kind != "enterprise":
                raise CertificationError(f"no applicant enterprise {applicant!r} (add it with "
                                         "`tanzuji cb org`)", "applicant")
            credit.check_enterprise_may_apply(self._credit(s), applicant, on,
                                              self.config.fraud_bar_months)
            self._check_one_per_model(s, applicant, app.product_model, on)
            n = (s.scalar(select(func.count()).select_from(CertCase)) or 0) + 1
            case = CertCase(
                id=f"PCF-{on.year}-{n:04d}", applicant_id=applicant, body_id=body_id,
                state="applied", product=app.product, product_zh=app.product_zh,
                product_model=app.product_model,
                producer=app.producer, site=app.site, pcr_id=app.pcr_id, cpc=app.cpc,
                unit=app.unit, functional_unit=app.functional_unit, boundary=app.boundary,
                declared_value=app.declared_value, tolerance_percent=tolerance,
                study_file=app.study_file, study_sha256=app.study_sha256,
                releases=list(app.releases), gec_serials=list(app.gec_serials), team=[],
                created_by=actor)
            self._check_body_for_case(s, case, on)
            s.add(case)
            s.flush()
            for f in app.files:
                s.add(CertCaseFile(case_id=case.id, role=f.role, path=f.path,
                                   content=f.content, sha256=_sha(f.content)))
            s.add(CertCaseEvent(case_id=case.id, action="apply", actor=actor, from_state="new",
                                to_state="applied", comment=f"study {case.study_file}"))
            _ledger(s, actor, "apply", "case", case.id, {
                "applicant": applicant, "body": body_id, "product_model": app.product_model,
                "declared_value": case.declared_value, "unit": case.unit,
                "study_sha256": case.study_sha256, "releases": case.releases,
                "files": {f.path: _sha(f.content) for f in app.files}})
            return case.id

    @staticmethod
    def _check_one_per_model(s: Session, applicant: str, model: str, on: dt.date) -> None:
        """One open case and one certificate in force per product model of an applicant."""
        busy = s.scalar(select(CertCase.id).where(
            CertCase.applicant_id == applicant, CertCase.product_model == model,
            CertCase.state.not_in(("certified", "refused"))))
        if busy:
            raise CertificationError(f"case {busy} for {model} is still open", "product_model")
        for cert in s.scalars(select(CertCertificate).where(
                CertCertificate.applicant_id == applicant,
                CertCertificate.product_model == model)):
            status = certificates.effective_status(cert.status, cert.valid_until, on)
            if status in ("valid", "suspended"):
                raise CertificationError(
                    f"certificate {cert.number} for {model} is {status}: change it, or cancel "
                    "it before applying again", "product_model")

    def _event(self, s: Session, case: CertCase, action: str, actor: str, to: str,
               comment: str | None = None) -> None:
        s.add(CertCaseEvent(case_id=case.id, action=action, actor=actor, from_state=case.state,
                            to_state=to, comment=comment))

    def _step(self, s: Session, case: CertCase, action: str, actor: str,
              comment: str | None, payload: dict[str, Any] | None = None) -> None:
        to = wf.next_state(case.state, action)
        self._event(s, case, action, actor, to, comment)
        _ledger(s, actor, action, "case", case.id,
                {"from": case.state, "to": to, "comment": comment, **(payload or {})})
        case.state = to

    def accept(self, case_id: str, actor: str, comment: str | None = None,
               on: dt.date | None = None) -> None:
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.next_state(case.state, "accept")
            self._check_body_for_case(s, case, on or today())
            wf.check_documents(list(s.scalars(select(CertCaseFile.role)
                                              .where(CertCaseFile.case_id == case_id))))
            self._step(s, case, "accept", actor, comment)

    def refuse(self, case_id: str, actor: str, reason: str) -> None:
        with self._tx() as s:
            self._step(s, self._case(s, case_id), "refuse", actor, _need(reason, "reason"))

    def plan(self, case_id: str, team: Sequence[str], lead: str, plan: str,
             actor: str) -> None:
        """Assign the audit team (competent, impartial, rotated) and the plan."""
        if not team:
            raise CertificationError("a case needs at least one auditor", "team")
        if lead not in team:
            raise CertificationError(f"the lead auditor {lead} is not in the team", "lead")
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.next_state(case.state, "plan")
            body = self._as_body(self._body(s, case.body_id))
            known = {a.id: a for a in self._auditors(s)}
            previous = [c.team for c in s.scalars(
                select(CertCase).where(CertCase.applicant_id == case.applicant_id,
                                       CertCase.id != case.id)
                .order_by(CertCase.created_at, CertCase.id)) if c.team]
            relations = self._relations(s)
            problems: list[str] = []
            for auditor_id in team:
                auditor = known.get(auditor_id)
                if auditor is None:
                    problems.append(f"no auditor {auditor_id!r}")
                    continue
                problems += bodies.auditor_problems(auditor, body, self.config, case.pcr_id,
                                                    case.cpc)
                problems += impartiality.conflicts(auditor_id, case.applicant_id,
                                                   case.product_model, relations)
                rotation = impartiality.rotation_problem(auditor_id, previous,
                                                         self.config.rotation_cases)
                if rotation:
                    problems.append(rotation)
            if problems:
                raise CertificationError("; ".join(problems), "team")
            self._step(s, case, "plan", actor, plan, {"team": list(team), "lead": lead})
            case.team, case.lead, case.plan = list(team), lead, _need(plan, "plan")

    def review(self, case_id: str, actor: str, comment: str | None = None) -> None:
        """Record the document review as done."""
        with self._tx() as s:
            self._step(s, self._case(s, case_id), "review", actor, comment)

    def inspect(self, case_id: str, actor: str, comment: str | None = None) -> None:
        """Record the on-site inspection as done."""
        with self._tx() as s:
            self._step(s, self._case(s, case_id), "inspect", actor, comment)

    def verify(self, case_id: str, actor: str, recompute: wf.Recompute) -> wf.Verification:
        """Recompute the stored study and compare it with the declared value. A failure keeps
        the case inspected and raises a major finding."""
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.next_state(case.state, "verify")
            files = self._files(s, case_id)
            result = recompute(files, case.releases)
            if result.model_sha256 != case.study_sha256:
                raise CertificationError("the stored study does not hash to the value recorded "
                                         "at application", "study_sha256")
            check = wf.Verification(case.declared_value, result.total, case.tolerance_percent)
            case.verification = {
                "declared": check.declared, "recomputed": check.recomputed,
                "difference_percent": check.difference_percent,
                "tolerance_percent": check.tolerance_percent, "passed": check.passed,
                "releases": list(result.releases), "by": actor,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            if check.passed:
                self._step(s, case, "verify", actor,
                           f"recomputed {check.recomputed:.6g}, declared {check.declared:.6g}",
                           {"verification": case.verification})
            else:
                text = (f"PCF verification: recomputed {check.recomputed:.6g} {case.unit} "
                        f"differs from the declared {check.declared:.6g} by "
                        f"{check.difference_percent:+.2f} % (tolerance "
                        f"{check.tolerance_percent:g} %)")
                self._event(s, case, "verify", actor, "inspected", text)
                _ledger(s, actor, "verify", "case", case.id,
                        {"from": case.state, "to": "inspected",
                         "verification": case.verification})
                case.state = "inspected"
                self._add_finding(s, case, "major", text, actor)
            return check

    def _files(self, s: Session, case_id: str) -> list[wf.StoredFile]:
        rows = s.scalars(select(CertCaseFile).where(CertCaseFile.case_id == case_id)
                         .order_by(CertCaseFile.pk))
        out = []
        for r in rows:
            if _sha(r.content) != r.sha256:
                raise CertificationError(f"stored file {r.path} of case {case_id} no longer "
                                         "matches its SHA-256", "files")
            out.append(wf.StoredFile(r.role, r.path, r.content))
        return out

    def _add_finding(self, s: Session, case: CertCase, severity: str, text: str,
                     actor: str) -> int:
        number = (s.scalar(select(func.max(CertFinding.number))
                           .where(CertFinding.case_id == case.id)) or 0) + 1
        s.add(CertFinding(case_id=case.id, number=number, severity=severity, text=text,
                          raised_by=actor))
        _ledger(s, actor, "finding", "case", case.id,
                {"number": number, "severity": severity, "text": text})
        return number

    def raise_finding(self, case_id: str, severity: str, text: str, actor: str) -> int:
        if severity not in SEVERITIES:
            raise CertificationError(f"{severity!r} is not one of {', '.join(SEVERITIES)}",
                                     "severity")
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.check_finding_allowed(case.state)
            return self._add_finding(s, case, severity, _need(text, "text"), actor)

    def close_finding(self, case_id: str, number: int, note: str, actor: str) -> None:
        with self._tx() as s:
            self._case(s, case_id)
            row = s.scalar(select(CertFinding).where(CertFinding.case_id == case_id,
                                                     CertFinding.number == number))
            if row is None:
                raise CertificationError(f"case {case_id} has no finding #{number}", "finding")
            if row.closed_at is not None:
                raise CertificationError(f"finding #{number} is closed already", "finding")
            row.closed_by, row.closed_at = actor, dt.datetime.now(dt.UTC)
            row.closure = _need(note, "note")
            _ledger(s, actor, "close-finding", "case", case_id, {"number": number, "note": note})

    def decide(self, case_id: str, grant: bool, actor: str, comment: str | None = None) -> None:
        """Evaluation and decision, by someone who did not audit the case."""
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.next_state(case.state, "grant" if grant else "deny")
            names = [a.name for a in s.scalars(select(CertAuditor)
                                               .where(CertAuditor.id.in_(case.team)))]
            problem = impartiality.decider_problem(actor, [*case.team, *names])
            if problem:
                raise CertificationError(problem, "by")
            if grant:
                findings = [wf.Finding(f.number, f.severity, f.text, f.closed_at is not None)
                            for f in s.scalars(select(CertFinding)
                                               .where(CertFinding.case_id == case_id))]
                passed = bool(case.verification and case.verification.get("passed"))
                wf.check_grant(findings, passed)
            self._step(s, case, "grant" if grant else "deny", actor, comment)
            case.decided_by = actor

    # -- certificates ------------------------------------------------------------------------

    def issue(self, case_id: str, actor: str, on: dt.date | None = None) -> str:
        """The certificate of a granted case; returns its number."""
        on = on or today()
        with self._tx() as s:
            case = self._case(s, case_id)
            wf.next_state(case.state, "issue")
            n = (s.scalar(select(func.count()).select_from(CertCertificate)) or 0) + 1
            number = f"{case.body_id}-PCF-{on.year}-{n:05d}"
            cert = CertCertificate(
                number=number, case_id=case.id, body_id=case.body_id,
                applicant_id=case.applicant_id, product=case.product,
                product_zh=case.product_zh, product_model=case.product_model,
                producer=case.producer, site=case.site,
                pcr_id=case.pcr_id, value=case.declared_value, unit=case.unit,
                functional_unit=case.functional_unit, boundary=case.boundary, issued_on=on,
                valid_until=certificates.valid_until(on, self.config.validity_years),
                status="valid", issued_by=actor)
            s.add(cert)
            self._step(s, case, "issue", actor, f"certificate {number}")
            s.flush()
            self._cert_event(s, cert, "issue", actor, f"decision on case {case.id}", None,
                             self.certificate_view(cert))
            return number

    def _cert_event(self, s: Session, cert: CertCertificate, action: str, actor: str,
                    reason: str, before: str | None, details: dict[str, Any]) -> None:
        s.add(CertCertificateEvent(number=cert.number, action=action, actor=actor,
                                   reason=reason, from_status=before, to_status=cert.status,
                                   details=json.loads(json.dumps(details, default=str))))
        _ledger(s, actor, action, "certificate", cert.number,
                {"from": before, "to": cert.status, "reason": reason, **details})

    def transition(self, number: str, action: str, reason: str, actor: str, *,
                   fraud: bool = False, changes: dict[str, Any] | None = None,
                   on: dt.date | None = None) -> str:
        """Change, suspend, restore, withdraw, cancel or expire a certificate; returns the new
        status. A withdrawal for fraud is also a credit record of the enterprise."""
        on = on or today()
        with self._tx() as s:
            cert = self._certificate(s, number)
            before = cert.status
            after = certificates.transition(before, action, reason, actor,
                                            until=cert.valid_until, today=on)
            details: dict[str, Any] = {}
            if action == "change":
                bad = sorted(set(changes or {}) - set(certificates.CHANGEABLE))
                if not changes or bad:
                    raise CertificationError(
                        f"a change names one or more of {', '.join(certificates.CHANGEABLE)}"
                        + (f" (not {', '.join(bad)})" if bad else ""), "changes")
                for key, value in changes.items():
                    details[key] = {"old": getattr(cert, key), "new": value}
                    setattr(cert, key, value)
            if fraud and action != "withdraw":
                raise CertificationError("fraud is a reason for withdrawal only", "fraud")
            cert.status = after
            details["fraud"] = fraud
            self._cert_event(s, cert, action, actor, reason, before, details)
            if fraud:
                self._add_credit(s, "enterprise", cert.applicant_id, "violation",
                                 f"certificate {number} withdrawn for fraud: {reason}", None,
                                 True, on, None, actor)
            return after

    def expire_due(self, actor: str, on: dt.date | None = None) -> list[str]:
        """Record the expiry of every certificate past its validity; returns their numbers."""
        on = on or today()
        with self._tx() as s:
            due = list(s.scalars(select(CertCertificate).where(
                CertCertificate.status.in_(("valid", "suspended")),
                CertCertificate.valid_until < on)))
            for cert in due:
                before = cert.status
                cert.status = certificates.transition(
                    before, "expire", f"validity ended {cert.valid_until}", actor,
                    until=cert.valid_until, today=on)
                self._cert_event(s, cert, "expire", actor,
                                 f"validity ended {cert.valid_until}", before, {})
            return [c.number for c in due]

    def surveil(self, number: str, conforming: bool, note: str, actor: str,
                on: dt.date | None = None) -> str:
        """Post-certification surveillance: a nonconforming result suspends the certificate."""
        with self._tx() as s:
            cert = self._certificate(s, number)
            before = cert.status
            if certificates.effective_status(before, cert.valid_until, on or today()) != "valid":
                raise CertificationError(f"certificate {number} is not valid ({before})",
                                         "certificate")
            if not conforming:
                cert.status = "suspended"
            self._cert_event(s, cert, "surveil", actor, _need(note, "note"), before,
                             {"conforming": conforming})
            return cert.status

    # -- labels ------------------------------------------------------------------------------

    def add_label(self, number: str, payload: dict[str, Any], signature: bytes, value: float,
                  actor: str, on: dt.date | None = None) -> int:
        """Record a label issued for a valid certificate."""
        with self._tx() as s:
            cert = self._certificate(s, number)
            status = certificates.effective_status(cert.status, cert.valid_until, on or today())
            if status != "valid":
                raise CertificationError(f"certificate {number} is {status}: no label can be "
                                         "made for it", "certificate")
            row = CertLabel(number=number, payload=json.dumps(payload, sort_keys=True,
                                                              ensure_ascii=False),
                            signature=signature.hex(), value=value, created_by=actor)
            s.add(row)
            s.flush()
            _ledger(s, actor, "make", "label", str(row.pk),
                    {"certificate": number, "payload": payload, "signature": signature.hex()})
            return row.pk

    # -- credit ------------------------------------------------------------------------------

    def _add_credit(self, s: Session, party_kind: str, party: str, kind: str,
                    description: str, penalty: str | None, fraud: bool, on: dt.date,
                    until: dt.date | None, actor: str) -> None:
        if party_kind not in credit.PARTIES:
            raise CertificationError(f"{party_kind!r} is not one of "
                                     f"{', '.join(credit.PARTIES)}", "party")
        if kind not in credit.KINDS:
            raise CertificationError(f"{kind!r} is not one of {', '.join(credit.KINDS)}",
                                     "kind")
        table = CertBody if party_kind == "body" else CertOrganisation
        if s.get(table, party) is None:
            raise CertificationError(f"no {party_kind} {party!r}", "party")
        if until is not None and until < on:
            raise CertificationError("ends before it starts", "until")
        row = CertCredit(party_kind=party_kind, party_id=party, kind=kind,
                         description=_need(description, "description"), penalty=penalty,
                         fraud=fraud, on=on, until=until, recorded_by=actor)
        s.add(row)
        s.flush()
        _ledger(s, actor, kind, "credit", f"{party_kind}:{party}",
                {"record": row.pk, "description": description, "penalty": penalty,
                 "fraud": fraud, "on": on, "until": until})
        if party_kind == "body" and kind in ("blacklist", "lift"):
            body = s.get(CertBody, party)
            assert body is not None
            body.status = "active" if kind == "lift" else "suspended"

    def add_credit(self, party_kind: str, party: str, kind: str, description: str, actor: str,
                   *, penalty: str | None = None, fraud: bool = False,
                   on: dt.date | None = None, until: dt.date | None = None) -> None:
        with self._tx() as s:
            self._add_credit(s, party_kind, party, kind, description, penalty, fraud,
                             on or today(), until, actor)

    def credit_records(self, party: str | None = None) -> list[dict[str, Any]]:
        with self._read() as s:
            q = select(CertCredit).order_by(CertCredit.on, CertCredit.pk)
            if party:
                q = q.where(CertCredit.party_id == party)
            return [{"party_kind": r.party_kind, "party": r.party_id, "kind": r.kind,
                     "description": r.description, "penalty": r.penalty, "fraud": r.fraud,
                     "on": r.on.isoformat(), "until": r.until.isoformat() if r.until else None,
                     "recorded_by": r.recorded_by} for r in s.scalars(q)]

    def blacklist(self, on: dt.date | None = None) -> list[str]:
        on = on or today()
        with self._tx() as s:
            records = self._credit(s)
        return sorted({r.party_id for r in records if credit.blacklisted(records, r.party_id,
                                                                           on)})

    # -- peer review -------------------------------------------------------------------------

    def peer_review(self, reviewer_body: str, size: int, seed: int, actor: str,
                    recompute: wf.Recompute,
                    of_body: str | None = None) -> list[dict[str, Any]]:
        """Re-verify a sample of other bodies' certified cases and record each comparison."""
        with self._tx() as s:
            self._body(s, reviewer_body)
            credit.check_body_may_take_cases(self._credit(s), reviewer_body, today())
            q = select(CertCertificate).where(CertCertificate.body_id != reviewer_body)
            if of_body:
                q = q.where(CertCertificate.body_id == of_body)
            certs = {c.case_id: c for c in s.scalars(q)}
            if not certs:
                raise CertificationError("no certified case of another body to review", "body")
            out = []
            for case_id in peer.sample(list(certs), size, seed):
                cert, case = certs[case_id], self._case(s, case_id)
                peer.check_reviewer(reviewer_body, cert.body_id)
                value = recompute(self._files(s, case_id), case.releases).total
                disagree = peer.disagrees(cert.value, value,
                                          self.config.peer_disagreement_percent)
                note = (f"recomputed {value:.6g} against certified {cert.value:.6g} "
                        f"({cert.number})")
                s.add(CertPeerReview(case_id=case_id, reviewer_body=reviewer_body,
                                     certified_value=cert.value, recomputed_value=value,
                                     disagreement=disagree, note=note, reviewed_by=actor))
                _ledger(s, actor, "peer-review", "case", case_id,
                        {"reviewer": reviewer_body, "certified": cert.value,
                         "recomputed": value, "disagreement": disagree})
                out.append({"case": case_id, "certificate": cert.number,
                            "body": cert.body_id, "certified": cert.value,
                            "recomputed": value, "disagreement": disagree})
            return out

    # -- flags -------------------------------------------------------------------------------

    def flags(self, ranges: dict[str, tuple[float, float]],
              on: dt.date | None = None) -> list[flags.Flag]:
        """Every automatic anti-fraud flag the stored cases, certificates and labels raise;
        ``ranges``: the plausible result range of each PCR id (``casefiles.pcr_ranges``)."""
        on = on or today()
        out: list[flags.Flag] = []
        with self._read() as s:
            certs = {c.number: c for c in s.scalars(select(CertCertificate))}
            for label in s.scalars(select(CertLabel).order_by(CertLabel.pk)):
                cert = certs[label.number]
                name = f"label {label.pk} of {cert.number}"
                status = certificates.effective_status(cert.status, cert.valid_until, on)
                shown = str(json.loads(label.payload).get("value", label.value))
                for f in (flags.label_value(name, cert.number, shown, cert.value),
                          flags.certificate_use(name, cert.number, status)):
                    if f:
                        out.append(f)
            cases = list(s.scalars(select(CertCase).where(CertCase.state != "refused")))
            out += flags.double_claims(flags.Claim(serial, c.id, c.applicant_id,
                                                   c.product_model)
                                       for c in cases for serial in c.gec_serials)
            by_category: dict[str, dict[str, float]] = {}
            for c in cases:
                if c.pcr_id in ranges:
                    low, high = ranges[c.pcr_id]
                    f = flags.pcr_range(f"case {c.id}", c.declared_value, low, high, c.pcr_id)
                    if f:
                        out.append(f)
            for cert in certs.values():
                if cert.pcr_id:
                    by_category.setdefault(cert.pcr_id, {})[cert.number] = cert.value
            for category, values in sorted(by_category.items()):
                out += flags.industry_outliers(values, category, self.config.outlier_mad)
        return out

    # -- views -------------------------------------------------------------------------------

    @staticmethod
    def certificate_view(c: CertCertificate, on: dt.date | None = None) -> dict[str, Any]:
        return {"number": c.number, "case": c.case_id, "body": c.body_id,
                "applicant": c.applicant_id, "product": c.product, "product_zh": c.product_zh,
                "product_model": c.product_model, "producer": c.producer, "site": c.site,
                "pcr": c.pcr_id, "value": c.value, "unit": c.unit,
                "functional_unit": c.functional_unit, "boundary": c.boundary,
                "issued_on": c.issued_on.isoformat(), "valid_until": c.valid_until.isoformat(),
                "recorded_status": c.status,
                "status": certificates.effective_status(c.status, c.valid_until,
                                                        on or today())}

    def certificate(self, number: str, on: dt.date | None = None) -> dict[str, Any] | None:
        """A certificate with its history, or None when there is none of that number."""
        with self._read() as s:
            c = s.get(CertCertificate, number)
            if c is None:
                return None
            view = self.certificate_view(c, on)
            body = s.get(CertBody, c.body_id)
            view["body_name"] = body.name if body else c.body_id
            view["events"] = [
                {"action": e.action, "actor": e.actor, "reason": e.reason,
                 "from": e.from_status, "to": e.to_status, "at": e.at.isoformat(),
                 "details": e.details}
                for e in s.scalars(select(CertCertificateEvent)
                                   .where(CertCertificateEvent.number == number)
                                   .order_by(CertCertificateEvent.pk))]
            return view

    def public_certificate(self, number: str,
                           on: dt.date | None = None) -> dict[str, Any] | None:
        """What the public registry shows of a certificate (no history): one query, no lock."""
        with self._read() as s:
            row = s.execute(select(CertCertificate, CertBody.name)
                            .outerjoin(CertBody, CertBody.id == CertCertificate.body_id)
                            .where(CertCertificate.number == number)).first()
            if row is None:
                return None
            cert, body_name = row
            view = self.certificate_view(cert, on)
            view["body_name"] = body_name or cert.body_id
            return view

    def certificates(self, on: dt.date | None = None) -> list[dict[str, Any]]:
        with self._read() as s:
            return [self.certificate_view(c, on) for c in
                    s.scalars(select(CertCertificate).order_by(CertCertificate.number))]

    def regulator_feed(self) -> list[dict[str, Any]]:
        """Every certificate state change, oldest first: what is reported to the regulator."""
        with self._read() as s:
            return [{"certificate": e.number, "action": e.action, "from": e.from_status,
                     "to": e.to_status, "reason": e.reason, "actor": e.actor,
                     "at": e.at.isoformat()}
                    for e in s.scalars(select(CertCertificateEvent)
                                       .order_by(CertCertificateEvent.pk))]

    def case(self, case_id: str) -> dict[str, Any]:
        with self._read() as s:
            c = self._case(s, case_id)
            cert = s.scalar(select(CertCertificate.number)
                            .where(CertCertificate.case_id == case_id))
            return {
                "id": c.id, "state": c.state, "applicant": c.applicant_id, "body": c.body_id,
                "product": c.product, "product_zh": c.product_zh,
                "product_model": c.product_model, "producer": c.producer, "site": c.site,
                "pcr": c.pcr_id, "cpc": c.cpc,
                "declared_value": c.declared_value, "unit": c.unit,
                "functional_unit": c.functional_unit, "boundary": c.boundary,
                "tolerance_percent": c.tolerance_percent, "study_file": c.study_file,
                "study_sha256": c.study_sha256, "releases": c.releases,
                "gec_serials": c.gec_serials, "team": c.team, "lead": c.lead, "plan": c.plan,
                "verification": c.verification, "decided_by": c.decided_by,
                "certificate": cert,
                "files": [{"role": f.role, "path": f.path, "sha256": f.sha256,
                           "bytes": len(f.content)}
                          for f in s.scalars(select(CertCaseFile)
                                             .where(CertCaseFile.case_id == case_id))],
                "findings": [{"number": f.number, "severity": f.severity, "text": f.text,
                              "raised_by": f.raised_by, "open": f.closed_at is None,
                              "closure": f.closure}
                             for f in s.scalars(select(CertFinding)
                                                .where(CertFinding.case_id == case_id)
                                                .order_by(CertFinding.number))],
                "events": [{"action": e.action, "actor": e.actor, "from": e.from_state,
                            "to": e.to_state, "comment": e.comment, "at": e.at.isoformat()}
                           for e in s.scalars(select(CertCaseEvent)
                                              .where(CertCaseEvent.case_id == case_id)
                                              .order_by(CertCaseEvent.pk))],
            }

    def cases(self) -> list[dict[str, Any]]:
        with self._read() as s:
            return [{"id": c.id, "state": c.state, "applicant": c.applicant_id,
                     "body": c.body_id, "product_model": c.product_model,
                     "declared_value": c.declared_value, "unit": c.unit}
                    for c in s.scalars(select(CertCase).order_by(CertCase.id))]

    def body(self, body_id: str, on: dt.date | None = None) -> dict[str, Any]:
        with self._read() as s:
            b = self._body(s, body_id)
            auditors = self._auditors(s, body_id)
            records = self._credit(s)
            return {
                "id": b.id, "name": b.name, "cnca_approval": b.cnca_approval,
                "pilot_qualified": b.pilot_qualified, "categories": b.categories,
                "status": b.status,
                "blacklisted": credit.blacklisted(records, b.id, on or today()),
                "qualified_auditors": len(bodies.qualified_auditors(auditors, self.config)),
                "problems": bodies.body_problems(self._as_body(b), auditors, self.config),
                "auditors": [{"id": a.id, "name": a.name, "full_time": a.full_time,
                              "pcf_years": a.pcf_years, "categories": list(a.categories)}
                             for a in sorted(auditors, key=lambda a: a.id)],
                "relationships": [{"subject": r.subject, "kind": r.kind, "other": r.other,
                                   "product_model": r.product_model}
                                  for r in self._relations(s) if b.id in (r.subject, r.other)],
            }

    def bodies(self) -> list[dict[str, Any]]:
        with self._read() as s:
            ids = list(s.scalars(select(CertBody.id).order_by(CertBody.id)))
        return [self.body(i) for i in ids]

    def label_rows(self, number: str) -> list[dict[str, Any]]:
        with self._read() as s:
            return [{"id": r.pk, "payload": json.loads(r.payload), "signature": r.signature,
                     "value": r.value, "created_by": r.created_by}
                    for r in s.scalars(select(CertLabel).where(CertLabel.number == number))]
