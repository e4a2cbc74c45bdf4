"""The platform's store: organisations, users and their roles, web sessions, OAuth2 clients,
failed-login counting, uploaded studies with their files, supplier shares, jobs and evidence.

Passwords and client secrets are kept as argon2 hashes, session tokens as their SHA-256;
failed logins are rows, so the rate limit holds across server workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Engine, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from tanzuji.store.db import (
    NoSchemaError,
    Refusal,
    open_engine,
    transaction,
)
from tanzuji.store.tables import (
    CertCase,
    CertCaseFile,
    PlatformClient,
    PlatformEvidence,
    PlatformJob,
    PlatformJobBeat,
    PlatformLoginFailure,
    PlatformOrganisation,
    PlatformSession,
    PlatformShare,
    PlatformStudy,
    PlatformStudyFile,
    PlatformToken,
    PlatformUser,
    utcnow,
)

ROLES = ("org_admin", "analyst", "supplier", "consultant", "cb_auditor", "cb_decider",
         "regulator", "public", "procurement_officer", "bank", "factor_editor",
         "factor_reviewer")
ORG_KINDS = ("enterprise", "supplier", "consultant", "certification_body", "regulator",
             "public_buyer", "bank")
# a case a certification body no longer holds
CLOSED_CASE_STATES = ("certified", "refused")
_hasher = PasswordHasher()


class PlatformError(Refusal):
    """A refused platform action; ``field`` names the input at fault."""


class RateLimited(PlatformError):
    """Too many failed logins for this user or address in the window."""


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    name: str | None
    organisation_id: str | None
    organisation_kind: str | None
    roles: tuple[str, ...]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def check_roles(roles: Sequence[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise PlatformError(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}", "roles")
    return list(dict.fromkeys(roles))


def _filed(study_sha256: Any) -> ColumnElement[bool]:
    """A case filed with this study file: the case records the study's model hash (the study
    file with the factor tables it names) and keeps the study file itself among its files,
    whose hash is the one the platform stores."""
    return or_(CertCase.study_sha256 == study_sha256,
               exists().where(CertCaseFile.case_id == CertCase.id, CertCaseFile.role == "study",
                              CertCaseFile.sha256 == study_sha256))


class PlatformDB:
    """One transaction per operation over the platform tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = False) -> PlatformDB:
        try:
            return cls(open_engine(url, migrate))
        except NoSchemaError as exc:
            raise PlatformError(str(exc), code="no_schema") from None

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with transaction(self.engine) as s:
            yield s

    # -- organisations and users -----------------------------------------------------------

    def add_organisation(self, org_id: str, name: str, kind: str) -> None:
        if kind not in ORG_KINDS:
            raise PlatformError(f"unknown kind {kind!r}; kinds are {', '.join(ORG_KINDS)}",
                                "kind")
        with self._tx() as s:
            if s.get(PlatformOrganisation, org_id) is not None:
                raise PlatformError(f"organisation {org_id!r} exists", "id", "conflict")
            s.add(PlatformOrganisation(id=org_id, name=name, kind=kind))

    def organisations(self) -> list[dict[str, Any]]:
        with self._tx() as s:
            return [{"id": o.id, "name": o.name, "kind": o.kind}
                    for o in s.scalars(select(PlatformOrganisation).order_by(
                        PlatformOrganisation.id))]

    def add_user(self, username: str, password: str, roles: Sequence[str],
                 organisation_id: str | None, name: str | None = None) -> int:
        if len(password) < 8:
            raise PlatformError("a password needs at least 8 characters", "password")
        checked = check_roles(roles)
        with self._tx() as s:
            if organisation_id is not None and s.get(PlatformOrganisation,
                                                     organisation_id) is None:
                raise PlatformError(f"no organisation {organisation_id!r}", "organisation")
            if s.scalar(select(PlatformUser).where(PlatformUser.username == username)):
                raise PlatformError(f"user {username!r} exists", "username", "conflict")
            user = PlatformUser(username=username, name=name, roles=checked,
                                password_hash=_hasher.hash(password),
                                organisation_id=organisation_id)
            s.add(user)
            s.flush()
            return user.id

    def set_roles(self, username: str, roles: Sequence[str]) -> None:
        checked = check_roles(roles)
        with self._tx() as s:
            self._user(s, username).roles = checked

    @staticmethod
    def _user(s: Session, username: str) -> PlatformUser:
        user = s.scalar(select(PlatformUser).where(PlatformUser.username == username))
        if user is None:
            raise PlatformError(f"no user {username!r}", "username", "not_found")
        return user

    @staticmethod
    def _view(s: Session, user: PlatformUser) -> UserView:
        org = s.get(PlatformOrganisation, user.organisation_id) if user.organisation_id else None
        return UserView(user.id, user.username, user.name, user.organisation_id,
                        org.kind if org else None, tuple(user.roles))

    def users(self) -> list[UserView]:
        with self._tx() as s:
            return [self._view(s, u) for u in s.scalars(select(PlatformUser).order_by(
                PlatformUser.username))]

    def user(self, user_id: int) -> UserView | None:
        with self._tx() as s:
            user = s.get(PlatformUser, user_id)
            return self._view(s, user) if user is not None and user.active else None

    # -- logins, sessions, clients ---------------------------------------------------------

    def _failures(self, s: Session, key: str, since: dt.datetime) -> int:
        return int(s.scalar(select(func.count()).select_from(PlatformLoginFailure).where(
            PlatformLoginFailure.key == key, PlatformLoginFailure.at >= since)) or 0)

    def login(self, username: str, password: str, address: str, *, max_failures: int,
              window_seconds: int) -> UserView | None:
        """The user when the password is right; None when wrong. RateLimited when the user
        or the address has failed ``max_failures`` times in the window."""
        since = utcnow() - dt.timedelta(seconds=window_seconds)
        keys = (f"user:{username}", f"ip:{address}")
        with self._tx() as s:
            if any(self._failures(s, k, since) >= max_failures for k in keys):
                raise RateLimited("too many failed logins; try again later", "username",
                                  "rate_limited")
            user = s.scalar(select(PlatformUser).where(PlatformUser.username == username))
            ok = False
            if user is not None and user.active:
                try:
                    ok = _hasher.verify(user.password_hash, password)
                except (VerificationError, InvalidHashError):
                    ok = False
            if not ok or user is None:
                s.execute(delete(PlatformLoginFailure).where(PlatformLoginFailure.at < since))
                s.add_all([PlatformLoginFailure(key=k) for k in keys])
                return None
            s.execute(delete(PlatformLoginFailure).where(
                PlatformLoginFailure.key == keys[0]))
            return self._view(s, user)

    def create_session(self, user_id: int, hours: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._tx() as s:
            s.execute(delete(PlatformSession).where(PlatformSession.expires_at < utcnow()))
            s.add(PlatformSession(token_sha256=sha256(token.encode()), user_id=user_id,
                                  expires_at=utcnow() + dt.timedelta(hours=hours)))
        return token

    def session_user(self, token: str) -> UserView | None:
        with self._tx() as s:
            row = s.get(PlatformSession, sha256(token.encode()))
            if row is None or _aware(row.expires_at) < utcnow():
                return None
            user = s.get(PlatformUser, row.user_id)
            return self._view(s, user) if user is not None and user.active else None

    def end_session(self, token: str) -> None:
        with self._tx() as s:
            s.execute(delete(PlatformSession).where(
                PlatformSession.token_sha256 == sha256(token.encode())))

    def add_client(self, username: str) -> tuple[str, str]:
        """A new OAuth2 client acting for ``username``: (client id, secret shown once)."""
        client_id, secret = f"tzc_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
        with self._tx() as s:
            user = self._user(s, username)
            s.add(PlatformClient(client_id=client_id, secret_hash=_hasher.hash(secret),
                                 user_id=user.id))
        return client_id, secret

    def client_user(self, client_id: str, secret: str, address: str, *, max_failures: int,
                    window_seconds: int) -> UserView | None:
        since = utcnow() - dt.timedelta(seconds=window_seconds)
        keys = (f"client:{client_id}", f"ip:{address}")
        with self._tx() as s:
            if any(self._failures(s, k, since) >= max_failures for k in keys):
                raise RateLimited("too many failed token requests; try again later",
                                  "client_id", "rate_limited")
            client = s.get(PlatformClient, client_id)
            ok = False
            if client is not None:
                try:
                    ok = _hasher.verify(client.secret_hash, secret)
                except (VerificationError, InvalidHashError):
                    ok = False
            user = s.get(PlatformUser, client.user_id) if client is not None and ok else None
            if user is None or not user.active:
                s.add_all([PlatformLoginFailure(key=k) for k in keys])
                return None
            return self._view(s, user)

    # -- studies, files, shares ------------------------------------------------------------

    def add_study(self, organisation_id: str, name: str, filename: str, content: bytes,
                  files: dict[str, bytes], by: str) -> int:
        with self._tx() as s:
            study = PlatformStudy(organisation_id=organisation_id, name=name, filename=filename,
                                  sha256=sha256(content), content=content, created_by=by)
            s.add(study)
            s.flush()
            for fname, data in files.items():
                s.add(PlatformStudyFile(study_id=study.id, name=fname, sha256=sha256(data),
                                        content=data))
            return study.id

    @staticmethod
    def _study_view(s: Session, st: PlatformStudy) -> dict[str, Any]:
        files = s.scalars(select(PlatformStudyFile).where(PlatformStudyFile.study_id == st.id)
                          .order_by(PlatformStudyFile.name))
        return {"id": st.id, "organisation_id": st.organisation_id, "name": st.name,
                "filename": st.filename, "sha256": st.sha256, "declared": st.declared,
                "created_by": st.created_by, "created_at": st.created_at,
                "files": [{"name": f.name, "sha256": f.sha256, "size": len(f.content)}
                          for f in files]}

    def study(self, study_id: int) -> dict[str, Any] | None:
        with self._tx() as s:
            st = s.get(PlatformStudy, study_id)
            return None if st is None else self._study_view(s, st)

    def studies(self, organisation_ids: Sequence[str] | None = None,
                ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Studies of these organisations or with these ids (both None: all)."""
        with self._tx() as s:
            query = select(PlatformStudy).order_by(PlatformStudy.id)
            if organisation_ids is not None or ids is not None:
                query = query.where(or_(PlatformStudy.organisation_id.in_(organisation_ids or []),
                                        PlatformStudy.id.in_(ids or [])))
            return [self._study_view(s, st) for st in s.scalars(query)]

    def study_content(self, study_id: int) -> tuple[str, bytes, dict[str, bytes]]:
        """(file name, study bytes, {table name: bytes}) to rebuild the study on disk."""
        with self._tx() as s:
            st = s.get(PlatformStudy, study_id)
            if st is None:
                raise PlatformError(f"no study {study_id}", "study_id", "not_found")
            files = {f.name: f.content for f in s.scalars(
                select(PlatformStudyFile).where(PlatformStudyFile.study_id == study_id))}
            return st.filename, st.content, files

    def declare(self, study_id: int, declared: dict[str, Any]) -> None:
        with self._tx() as s:
            st = s.get(PlatformStudy, study_id)
            if st is None:
                raise PlatformError(f"no study {study_id}", "study_id", "not_found")
            st.declared = declared

    def share(self, study_id: int, customer_id: str, by: str) -> None:
        with self._tx() as s:
            if s.get(PlatformOrganisation, customer_id) is None:
                raise PlatformError(f"no organisation {customer_id!r}", "customer_id",
                                    "not_found")
            exists = s.scalar(select(PlatformShare).where(PlatformShare.study_id == study_id,
                                                          PlatformShare.customer_id == customer_id))
            if exists is None:
                s.add(PlatformShare(study_id=study_id, customer_id=customer_id, created_by=by))

    def customers(self, study_id: int) -> list[str]:
        with self._tx() as s:
            return list(s.scalars(select(PlatformShare.customer_id).where(
                PlatformShare.study_id == study_id)))

    def shared_with(self, customer_id: str) -> list[int]:
        with self._tx() as s:
            return list(s.scalars(select(PlatformShare.study_id).where(
                PlatformShare.customer_id == customer_id)))

    def holding_bodies(self, study_id: int) -> list[str]:
        """Certification bodies holding an open case on this study (same owner, same file)."""
        with self._tx() as s:
            st = s.get(PlatformStudy, study_id)
            if st is None:
                return []
            return list(s.scalars(select(CertCase.body_id).where(
                CertCase.applicant_id == st.organisation_id,
                _filed(st.sha256),
                CertCase.state.not_in(CLOSED_CASE_STATES)).distinct()))

    def held_studies(self, body_id: str) -> list[int]:
        """Studies on which this body holds an open case."""
        with self._tx() as s:
            return list(s.scalars(select(PlatformStudy.id).join(
                CertCase, (CertCase.applicant_id == PlatformStudy.organisation_id)
                & _filed(PlatformStudy.sha256)).where(
                CertCase.body_id == body_id, CertCase.state.not_in(CLOSED_CASE_STATES))
                .distinct()))

    # -- jobs ------------------------------------------------------------------------------

    def add_job(self, kind: str, params: dict[str, Any], by: str, organisation_id: str | None,
                study_id: int | None) -> str:
        job_id = uuid.uuid4().hex
        with self._tx() as s:
            s.add(PlatformJob(id=job_id, kind=kind, state="queued", progress=0.0,
                              params=params, created_by=by, organisation_id=organisation_id,
                              study_id=study_id))
        return job_id

    def update_job(self, job_id: str, *, state: str | None = None,
                   progress: float | None = None, result: dict[str, Any] | None = None,
                   error: dict[str, Any] | None = None) -> None:
        with self._tx() as s:
            job = s.get(PlatformJob, job_id)
            if job is None:
                return
            if state is not None:
                job.state = state
                if state in ("done", "failed"):  # microseconds order the newest result
                    job.finished_at = dt.datetime.now(dt.UTC)
            if progress is not None:
                job.progress = max(0.0, min(1.0, progress))
            if result is not None:
                job.result = result
            if error is not None:
                job.error = error
            self._beat(s, job_id)

    def job(self, job_id: str) -> dict[str, Any] | None:
        with self._tx() as s:
            job = s.get(PlatformJob, job_id)
            if job is None:
                return None
            return {"id": job.id, "kind": job.kind, "state": job.state,
                    "progress": job.progress, "organisation_id": job.organisation_id,
                    "study_id": job.study_id, "params": job.params, "result": job.result,
                    "error": job.error, "created_by": job.created_by,
                    "created_at": job.created_at, "finished_at": job.finished_at}

    def latest_result(self, study_id: int) -> dict[str, Any] | None:
        """The result of the newest finished calculation of a study."""
        with self._tx() as s:
            job = s.scalar(select(PlatformJob).where(
                PlatformJob.study_id == study_id, PlatformJob.state == "done",
                PlatformJob.kind == "calculate").order_by(PlatformJob.finished_at.desc(),
                                                          PlatformJob.created_at.desc()))
            return None if job is None else job.result

    # -- job heartbeats and recovery ---------------------------------------------------------

    @staticmethod
    def _beat(s: Session, job_id: str) -> None:
        now = dt.datetime.now(dt.UTC)  # to the microsecond: timeouts may be short
        row = s.get(PlatformJobBeat, job_id)
        if row is None:
            s.add(PlatformJobBeat(job_id=job_id, beat_at=now))
        else:
            row.beat_at = now

    def beat(self, job_id: str) -> None:
        """A sign of life from the worker of a job."""
        with self._tx() as s:
            if s.get(PlatformJob, job_id) is not None:
                self._beat(s, job_id)

    def mark_retry(self, job_id: str, retry_of: str) -> None:
        """Record that ``job_id`` retries ``retry_of``."""
        with self._tx() as s:
            row = s.get(PlatformJobBeat, job_id)
            if row is None:
                s.add(PlatformJobBeat(job_id=job_id, beat_at=dt.datetime.now(dt.UTC),
                                      retry_of=retry_of))
            else:
                row.retry_of = retry_of

    def job_beat(self, job_id: str) -> dict[str, Any]:
        """When the job's worker last showed life, and the job it retries."""
        with self._tx() as s:
            row = s.get(PlatformJobBeat, job_id)
            return {"heartbeat_at": row.beat_at if row else None,
                    "retry_of": row.retry_of if row else None}

    def fail_lost_jobs(self, timeout_seconds: float, job_id: str | None = None) -> list[str]:
        """Mark failed every queued or running job (or just ``job_id``) whose last heartbeat
        (its creation if it never beat) is older than the timeout: its worker is gone.
        Returns their ids."""
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=timeout_seconds)
        with self._tx() as s:
            query = (select(PlatformJob, PlatformJobBeat.beat_at)
                     .outerjoin(PlatformJobBeat, PlatformJobBeat.job_id == PlatformJob.id)
                     .where(PlatformJob.state.in_(("queued", "running"))))
            if job_id is not None:
                query = query.where(PlatformJob.id == job_id)
            lost = []
            for job, beat_at in s.execute(query).all():
                last = _aware(beat_at or job.created_at)
                if last >= cutoff:
                    continue
                job.state, job.finished_at = "failed", dt.datetime.now(dt.UTC)
                job.error = {"code": "worker_lost",
                             "message": "worker lost: no sign of life since "
                                        f"{last.isoformat(timespec='seconds')}; retry the job",
                             "field": None, "problems": []}
                lost.append(job.id)
            return lost

    # -- machine tokens: issued, revoked ----------------------------------------------------

    def record_token(self, jti: str, user_id: int, client_id: str | None,
                     expires_at: dt.datetime) -> None:
        with self._tx() as s:
            s.execute(delete(PlatformToken).where(PlatformToken.expires_at < utcnow()))
            s.add(PlatformToken(jti=jti, user_id=user_id, client_id=client_id,
                                expires_at=expires_at))

    def token_live(self, jti: str) -> bool:
        """Whether a token was issued here and is neither revoked nor expired."""
        with self._tx() as s:
            row = s.get(PlatformToken, jti)
            return (row is not None and row.revoked_at is None
                    and _aware(row.expires_at) > utcnow())

    def token_owner(self, jti: str) -> UserView | None:
        """The user a token was issued to (active or not)."""
        with self._tx() as s:
            row = s.get(PlatformToken, jti)
            user = None if row is None else s.get(PlatformUser, row.user_id)
            return None if user is None else self._view(s, user)

    def revoke_token(self, jti: str) -> None:
        with self._tx() as s:
            row = s.get(PlatformToken, jti)
            if row is None:
                raise PlatformError("no such token", "token", "not_found")
            row.revoked_at = row.revoked_at or utcnow()

    def clients(self, user_id: int) -> list[dict[str, Any]]:
        with self._tx() as s:
            return [{"client_id": c.client_id, "created_at": c.created_at}
                    for c in s.scalars(select(PlatformClient).where(
                        PlatformClient.user_id == user_id).order_by(PlatformClient.created_at))]

    def client_owner(self, client_id: str) -> UserView | None:
        """The user a client acts for (active or not)."""
        with self._tx() as s:
            client = s.get(PlatformClient, client_id)
            user = None if client is None else s.get(PlatformUser, client.user_id)
            return None if user is None else self._view(s, user)

    def revoke_client(self, client_id: str) -> int:
        """Delete a client (it can get no more tokens) and revoke the tokens it holds;
        returns how many were revoked."""
        with self._tx() as s:
            client = s.get(PlatformClient, client_id)
            if client is None:
                raise PlatformError(f"no client {client_id!r}", "client_id", "not_found")
            s.delete(client)
            return self._revoke(s, PlatformToken.client_id == client_id)

    @staticmethod
    def _revoke(s: Session, where: Any) -> int:
        rows = list(s.scalars(select(PlatformToken).where(where,
                                                          PlatformToken.revoked_at.is_(None))))
        for row in rows:
            row.revoked_at = utcnow()
        return len(rows)

    def sign_out_everywhere(self, user_id: int, *, deactivate: bool = False) -> int:
        """End every web session of a user and revoke every token; with ``deactivate`` the
        user can no longer log in either. Returns the number of tokens revoked."""
        with self._tx() as s:
            user = s.get(PlatformUser, user_id)
            if user is None:
                raise PlatformError(f"no user {user_id}", "user", "not_found")
            s.execute(delete(PlatformSession).where(PlatformSession.user_id == user_id))
            if deactivate:
                user.active = False
            return self._revoke(s, PlatformToken.user_id == user_id)

    def user_by_name(self, username: str) -> UserView | None:
        """A user by name, active or not (for the admin who manages them)."""
        with self._tx() as s:
            user = s.scalar(select(PlatformUser).where(PlatformUser.username == username))
            return None if user is None else self._view(s, user)

    # -- evidence --------------------------------------------------------------------------

    def add_evidence(self, study_id: int, amount_path: str, filename: str, content_type: str,
                     content: bytes, by: str) -> dict[str, Any]:
        with self._tx() as s:
            ev = PlatformEvidence(study_id=study_id, amount_path=amount_path, filename=filename,
                                  content_type=content_type, size=len(content),
                                  sha256=sha256(content), content=content, uploaded_by=by)
            s.add(ev)
            s.flush()
            return self._evidence_view(ev)

    @staticmethod
    def _evidence_view(ev: PlatformEvidence) -> dict[str, Any]:
        return {"id": ev.id, "study_id": ev.study_id, "amount_path": ev.amount_path,
                "filename": ev.filename, "content_type": ev.content_type, "size": ev.size,
                "sha256": ev.sha256, "uploaded_by": ev.uploaded_by,
                "uploaded_at": ev.uploaded_at}

    def evidence(self, study_id: int) -> list[dict[str, Any]]:
        with self._tx() as s:
            return [self._evidence_view(ev) for ev in s.scalars(
                select(PlatformEvidence).where(PlatformEvidence.study_id == study_id)
                .order_by(PlatformEvidence.id))]

    def evidence_file(self, evidence_id: int) -> tuple[dict[str, Any], bytes] | None:
        with self._tx() as s:
            ev = s.get(PlatformEvidence, evidence_id)
            return None if ev is None else (self._evidence_view(ev), ev.content)
