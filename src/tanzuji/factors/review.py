"""The review workflow of a dataset's pending changes, as pure rules.

draft --submit--> submitted --start--> under_review --approve (enough)--> approved --publish-->
published; under_review --reject--> rejected. A reviewer is never the submitter, each reviewer
counts once, and a public dataset needs two approvals (one otherwise). Editing (an import) is
allowed in draft, rejected and published, and sends the dataset back to draft.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("draft", "submitted", "under_review", "approved", "rejected", "published")
EDITABLE = ("draft", "rejected", "published")


class ReviewError(ValueError):
    """An action the workflow does not allow now, or not to this person."""


@dataclass(frozen=True)
class Review:
    """Where a dataset stands: its state, who submitted it and who has approved so far."""

    state: str
    submitter: str | None
    approvers: tuple[str, ...]
    public: bool

    @property
    def approvals_needed(self) -> int:
        return 2 if self.public else 1


def step(review: Review, action: str, actor: str, has_changes: bool = True) -> Review:
    """The review after ``actor`` takes ``action`` (submit, start, approve, reject, comment,
    publish, edit); raises ReviewError when the rules forbid it."""
    state = review.state
    if not actor.strip():
        raise ReviewError("an action needs the name of who takes it")
    if action == "edit":
        if state not in EDITABLE:
            raise ReviewError(f"the dataset is {state.replace('_', ' ')}: it cannot be changed "
                              "until the review ends")
        return Review("draft", None, (), review.public)
    if action == "submit":
        if state not in ("draft", "rejected"):
            raise ReviewError(f"only a draft can be submitted; the dataset is {state}")
        if not has_changes:
            raise ReviewError("nothing to submit: the dataset has no changes since its last "
                              "release")
        return Review("submitted", actor, (), review.public)
    if action in ("start", "approve", "reject", "comment"):
        if action == "comment":
            return review
        if state not in ("submitted", "under_review", "approved"):
            raise ReviewError(f"nothing is under review: the dataset is {state}")
        if actor == review.submitter:
            raise ReviewError(f"{actor} submitted this dataset and cannot review it")
        if action == "start":
            return Review("under_review", review.submitter, review.approvers, review.public)
        if action == "reject":
            return Review("rejected", review.submitter, (), review.public)
        if actor in review.approvers:
            raise ReviewError(f"{actor} has already approved; a second approval must come "
                              "from another reviewer")
        approvers = (*review.approvers, actor)
        done = len(approvers) >= review.approvals_needed
        return Review("approved" if done else "under_review", review.submitter, approvers,
                      review.public)
    if action == "publish":
        if state != "approved":
            need = review.approvals_needed
            raise ReviewError(f"the dataset is {state.replace('_', ' ')}; publishing needs "
                              f"{need} approving review{'s' if need > 1 else ''} "
                              f"({len(review.approvers)} so far)")
        return Review("published", None, (), review.public)
    raise ReviewError(f"unknown review action {action!r}")
