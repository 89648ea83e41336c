"""Reading and writing the feedback tables, in the CKAN session's
transaction (the actions commit it unless ``defer_commit``)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Iterable, Mapping, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Row

import ckan.model as model

from ckanext.nd47.feedback import workflow
from ckanext.nd47.feedback.score import DEMAND, Formula
from ckanext.nd47.model.data_request import (
    REQUESTER_TYPES, data_request as r, data_request_comment as comment_t,
    data_request_event as event_t, data_request_follower as follower_t,
    data_request_vote as vote_t, dataset_rating as rating_t)

_group = sa.table("group", sa.column("id"), sa.column("name"),
                  sa.column("title"))
_package = sa.table("package", sa.column("id"), sa.column("name"),
                    sa.column("title"), sa.column("private"),
                    sa.column("state"), sa.column("type"))
_user = sa.table("user", sa.column("id"), sa.column("name"),
                 sa.column("fullname"), sa.column("email"),
                 sa.column("state"))

LOW_RATING = 2

#: an improvement request's title is made when it is read, from its
#: dataset's current title while the dataset is public: a stored copy would
#: go stale and keep a dataset's title public after it stops being public
IMPROVEMENT_TITLE = "Cải thiện / Improve: "
#: the title of one whose dataset is private, a draft, deleted or purged
HIDDEN_IMPROVEMENT_TITLE = ("Cải thiện một bộ dữ liệu không công khai / "
                            "Improve a dataset that is not public")
#: what an improvement request holds in its own title column
STORED_IMPROVEMENT_TITLE = "Cải thiện bộ dữ liệu / Improve a dataset"


def _execute(statement: Any) -> Any:
    return model.Session.execute(statement)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _public_title() -> Any:
    """A request's title as anyone may read it: an improvement request's
    from its dataset while that is public, else the neutral one."""
    shown = _package.alias("shown")
    live = (sa.select(sa.literal(IMPROVEMENT_TITLE) + shown.c.title)
            .where(shown.c.id == r.c.dataset_id, shown.c.state == "active",
                   shown.c.private.is_(False))
            .scalar_subquery())
    return sa.case((r.c.kind == "improvement",
                    sa.func.coalesce(live, HIDDEN_IMPROVEMENT_TITLE)),
                   else_=r.c.title)


def public_title(request_id: str) -> Optional[str]:
    """The request's title as anyone may read it (for mail)."""
    title: Optional[str] = _execute(sa.select(_public_title()).where(
        r.c.id == request_id)).scalar()
    return title


# --- requests -------------------------------------------------------------------

def create_request(values: Mapping[str, Any], creator_id: str,
                   supporter_type: str) -> str:
    """A new request, supported and followed by its creator."""
    request_id = str(uuid.uuid4())
    _execute(sa.insert(r).values(id=request_id, creator_id=creator_id,
                                 **values))
    _execute(sa.insert(event_t).values(
        request_id=request_id, actor_id=creator_id, action="created",
        to_status=workflow.NEW,
        to_organization_id=values.get("organization_id")))
    vote(request_id, creator_id, supporter_type)
    follow(request_id, creator_id)
    return request_id


def open_improvement_request(dataset_id: str) -> Optional[str]:
    return _execute(sa.select(r.c.id).where(
        r.c.dataset_id == dataset_id, r.c.kind == "improvement",
        r.c.status.in_(workflow.OPEN))).scalar()


def ensure_improvement_request(dataset: Mapping[str, Any], user_id: str,
                               supporter_type: str, title: str,
                               description: str) -> tuple[str, bool]:
    """The dataset's open improvement request, created when there is none
    (safe against a concurrent report of the same dataset: the partial
    unique index lets only one insert win). Returns (id, created)."""
    request_id = str(uuid.uuid4())
    inserted = _execute(
        postgresql.insert(r).values(
            id=request_id, title=title, description=description,
            purpose="", requester_type=supporter_type, kind="improvement",
            dataset_id=dataset["id"], organization_id=dataset["owner_org"],
            creator_id=user_id)
        .on_conflict_do_nothing(
            index_elements=["dataset_id"],
            index_where=sa.text("kind = 'improvement' AND status IN "
                                "('new', 'under_review', 'planned')"))
        .returning(r.c.id)).scalar()
    if inserted:
        _execute(sa.insert(event_t).values(
            request_id=request_id, actor_id=user_id, action="created",
            to_status=workflow.NEW,
            to_organization_id=dataset["owner_org"]))
        follow(request_id, user_id)
        return request_id, True
    existing = open_improvement_request(dataset["id"])
    assert existing is not None
    return existing, False


def lock_request(request_id: str) -> Optional[Row]:
    """The request's row, locked until the transaction ends, so two
    stewards cannot move it at once."""
    return _execute(sa.select(r).where(r.c.id == request_id)
                    .with_for_update()).first()


def get_request(request_id: str) -> Optional[Row]:
    return _execute(sa.select(r).where(r.c.id == request_id)).first()


def record_event(request_id: str, actor_id: Optional[str], action: str,
                 **values: Any) -> int:
    return int(_execute(sa.insert(event_t).values(
        request_id=request_id, actor_id=actor_id, action=action, **values)
        .returning(event_t.c.id)).scalar())


def move(request: Row, target: str, actor_id: str, reason: str,
         target_date: Optional[dt.date] = None,
         dataset_id: Optional[str] = None,
         decline_ground: Optional[str] = None) -> int:
    """Move a locked request to ``target`` and record it; returns the id
    of the event."""
    values: dict[str, Any] = {"status": target, "modified": sa.func.now(),
                              "response": reason}
    if target == workflow.PLANNED:
        values["target_date"] = target_date
    if target == workflow.PUBLISHED:
        values["resolution_dataset_id"] = dataset_id
    if target == workflow.DECLINED:
        values["decline_ground"] = decline_ground
    if target == workflow.UNDER_REVIEW:
        values.update(resolution_dataset_id=None, decline_ground=None)
    if workflow.is_answer(target) and request.answered_at is None:
        values["answered_at"] = sa.func.now()
    _execute(sa.update(r).where(r.c.id == request.id).values(**values))
    return record_event(
        request.id, actor_id, workflow.event_name(request.status, target),
        from_status=request.status, to_status=target, reason=reason,
        target_date=target_date if target == workflow.PLANNED else None,
        dataset_id=dataset_id if target == workflow.PUBLISHED else None,
        decline_ground=(decline_ground if target == workflow.DECLINED
                        else None))


def reassign(request: Row, organization_id: str, actor_id: str,
             reason: str) -> int:
    _execute(sa.update(r).where(r.c.id == request.id).values(
        organization_id=organization_id, modified=sa.func.now(),
        overdue_notified_at=None))
    return record_event(request.id, actor_id, "reassigned",
                        from_organization_id=request.organization_id,
                        to_organization_id=organization_id, reason=reason)


# --- support, following, comments ----------------------------------------------

def vote(request_id: str, user_id: str, supporter_type: str) -> bool:
    """Add the user's support; False when it was already there."""
    return _execute(
        postgresql.insert(vote_t).values(
            request_id=request_id, user_id=user_id,
            supporter_type=supporter_type)
        .on_conflict_do_nothing().returning(vote_t.c.user_id)
    ).first() is not None


def unvote(request_id: str, user_id: str) -> bool:
    return _execute(sa.delete(vote_t).where(
        vote_t.c.request_id == request_id, vote_t.c.user_id == user_id)
        .returning(vote_t.c.user_id)).first() is not None


def has_voted(request_id: str, user_id: Optional[str]) -> bool:
    if not user_id:
        return False
    return _execute(sa.select(vote_t.c.user_id).where(
        vote_t.c.request_id == request_id,
        vote_t.c.user_id == user_id)).first() is not None


def follow(request_id: str, user_id: str) -> bool:
    return _execute(
        postgresql.insert(follower_t).values(request_id=request_id,
                                             user_id=user_id)
        .on_conflict_do_nothing().returning(follower_t.c.user_id)
    ).first() is not None


def unfollow(request_id: str, user_id: str) -> bool:
    return _execute(sa.delete(follower_t).where(
        follower_t.c.request_id == request_id,
        follower_t.c.user_id == user_id)
        .returning(follower_t.c.user_id)).first() is not None


def is_following(request_id: str, user_id: Optional[str]) -> bool:
    if not user_id:
        return False
    return _execute(sa.select(follower_t.c.user_id).where(
        follower_t.c.request_id == request_id,
        follower_t.c.user_id == user_id)).first() is not None


def followers_count(request_id: str) -> int:
    return int(_execute(sa.select(sa.func.count()).select_from(follower_t)
                        .where(follower_t.c.request_id == request_id))
               .scalar())


def recipients(request_id: str) -> list[Row]:
    """Users to tell about a change: the requester and the followers,
    active accounts with an email, each once."""
    return list(_execute(
        sa.select(_user.c.id, _user.c.name, _user.c.fullname,
                  _user.c.email)
        .where(_user.c.state == "active", _user.c.email != "",
               _user.c.email.is_not(None),
               sa.or_(_user.c.id.in_(sa.select(follower_t.c.user_id).where(
                   follower_t.c.request_id == request_id)),
                   _user.c.id == sa.select(r.c.creator_id).where(
                       r.c.id == request_id).scalar_subquery()))
        .order_by(_user.c.name)))


def add_comment(request_id: str, user_id: str, text: str) -> str:
    comment_id = str(uuid.uuid4())
    _execute(sa.insert(comment_t).values(id=comment_id,
                                         request_id=request_id,
                                         user_id=user_id, text=text))
    return comment_id


def get_comment(comment_id: str) -> Optional[Row]:
    return _execute(sa.select(comment_t).where(comment_t.c.id == comment_id)
                    .with_for_update()).first()


def set_comment_state(comment: Row, state: str, actor_id: str,
                      reason: str) -> None:
    _execute(sa.update(comment_t).where(comment_t.c.id == comment.id)
             .values(state=state))
    record_event(comment.request_id, actor_id, f"comment_{state}",
                 reason=reason, comment_id=comment.id)


def comments(request_id: str, include_hidden: bool) -> list[Row]:
    states = ("visible", "hidden") if include_hidden else ("visible",)
    return list(_execute(
        sa.select(comment_t, _user.c.name.label("user_name"),
                  _user.c.fullname.label("user_fullname"))
        .select_from(comment_t.outerjoin(_user,
                                         _user.c.id == comment_t.c.user_id))
        .where(comment_t.c.request_id == request_id,
               comment_t.c.state.in_(states))
        .order_by(comment_t.c.created, comment_t.c.id)))


def events(request_id: str) -> list[Row]:
    return list(_execute(
        sa.select(event_t, _user.c.name.label("actor_name"),
                  _user.c.fullname.label("actor_fullname"))
        .select_from(event_t.outerjoin(_user,
                                       _user.c.id == event_t.c.actor_id))
        .where(event_t.c.request_id == request_id)
        .order_by(event_t.c.id)))


# --- lists and the queue ----------------------------------------------------------

def _overdue(window_days: int, at: Any) -> Any:
    return sa.and_(r.c.answered_at.is_(None),
                   r.c.status.in_((workflow.NEW, workflow.UNDER_REVIEW)),
                   r.c.created < at - dt.timedelta(days=window_days))


def search(filters: Mapping[str, Any], sort: str, limit: int, offset: int,
           window_days: int, overdue_first: bool = False
           ) -> tuple[int, list[Row]]:
    """One page of requests and how many match. ``filters``: statuses,
    organization_id, sector, requester_type, kind, q, creator_id,
    overdue. The page's ids are found first, on the request table alone;
    only those rows are then joined to agencies, datasets and users."""
    at = sa.literal(now(), sa.DateTime(timezone=True))
    formula = Formula.from_config()
    score = formula.sql(at)
    overdue = _overdue(window_days, at)
    conditions: list[Any] = []
    if filters.get("statuses"):
        conditions.append(r.c.status.in_(filters["statuses"]))
    for key in ("id", "organization_id", "sector", "requester_type", "kind",
                "creator_id", "dataset_id"):
        if filters.get(key):
            conditions.append(getattr(r.c, key) == filters[key])
    if filters.get("unassigned"):
        conditions.append(r.c.organization_id.is_(None))
    if filters.get("overdue"):
        conditions.append(overdue)
    if filters.get("q"):
        pattern = "%" + filters["q"].replace("\\", "\\\\").replace(
            "%", "\\%").replace("_", "\\_") + "%"
        # the title as shown: no private dataset's title can be matched
        conditions.append(sa.or_(_public_title().ilike(pattern),
                                 r.c.description.ilike(pattern)))
    where = sa.and_(sa.true(), *conditions)
    total = int(_execute(sa.select(sa.func.count()).select_from(r)
                         .where(where)).scalar())
    if sort == "priority":
        shortlist = _shortlist(
            formula, score, where,
            [overdue, sa.not_(overdue)] if overdue_first else [sa.true()],
            limit + offset)
        if shortlist is not None:
            where = sa.and_(where, shortlist)
    ranked = (sa.select(r.c.id, r.c.created, r.c.supporters,
                        score.label("score"), overdue.label("overdue"))
              .where(where).subquery("ranked"))
    page = (sa.select(ranked).order_by(*_order(ranked.c, sort,
                                               overdue_first))
            .limit(limit).offset(offset).subquery("page"))
    organization = _group.alias("organization")
    dataset = _package.alias("dataset")
    resolution = _package.alias("resolution")
    creator = _user.alias("creator")
    rows = _execute(
        sa.select(r, page.c.score, page.c.overdue,
                  _public_title().label("public_title"),
                  organization.c.name.label("organization_name"),
                  organization.c.title.label("organization_title"),
                  dataset.c.name.label("dataset_name"),
                  dataset.c.type.label("dataset_type"),
                  dataset.c.title.label("dataset_title"),
                  sa.and_(dataset.c.state == "active",
                          dataset.c.private.is_(False))
                  .label("dataset_public"),
                  resolution.c.name.label("resolution_name"),
                  resolution.c.type.label("resolution_type"),
                  resolution.c.title.label("resolution_title"),
                  sa.and_(resolution.c.state == "active",
                          resolution.c.private.is_(False))
                  .label("resolution_public"),
                  creator.c.name.label("creator_name"),
                  creator.c.fullname.label("creator_fullname"))
        .select_from(
            page.join(r, r.c.id == page.c.id)
            .outerjoin(organization, organization.c.id == r.c.organization_id)
            .outerjoin(dataset, dataset.c.id == r.c.dataset_id)
            .outerjoin(resolution, resolution.c.id == r.c.resolution_dataset_id)
            .outerjoin(creator, creator.c.id == r.c.creator_id))
        # a join does not keep the order of its input
        .order_by(*_order(page.c, sort, overdue_first)))
    return total, list(rows)


#: deeper pages are sorted in full: their shortlist would cost about as much
_SHORTLIST_DEPTH = 1000
#: requests of highest demand scored beyond the places to fill, so that
#: some of high demand but a low score (much-viewed datasets: views weigh
#: least) do not hide those that score high
_SHORTLIST_EXTRA = 200


def _shortlist(formula: Formula, score: Any, where: Any,
               bands: Sequence[Any], depth: int) -> Optional[Any]:
    """A condition keeping, of the requests ``where`` selects, every one
    on the first ``depth`` places of the priority order (and some
    others), that the demand indexes answer; None to score them all.

    ``bands`` are the parts of the order (the agency queue: overdue
    requests, then the others). In the first band with no fewer requests
    than its places left, some of highest ``DEMAND`` (an index scan) are
    scored: as many as the places score s or more, so the band's last
    place scores at least s, and so does every request ahead of it, which
    needs ``formula.least_demand(s)``. The bands before it are kept whole:
    all their requests have places."""
    if depth > _SHORTLIST_DEPTH:
        return None
    sample = depth + _SHORTLIST_EXTRA
    # one sample for all bands: filtered by a band, PostgreSQL misjudges
    # how many rows match (overdue is three correlated conditions) and
    # reads them all rather than the index in order
    shared = _execute(sa.select(score, *bands).where(where)
                      .order_by(DEMAND.desc()).limit(sample)).all()
    kept: list[Any] = []
    for i, band in enumerate(bands):
        scores = [row[0] for row in shared if row[i + 1]]
        if len(scores) < depth and len(shared) == sample:
            # too few of the band in the sample: the band's own
            scores = [value for (value,) in _execute(
                sa.select(score).where(where, band)
                .order_by(DEMAND.desc()).limit(sample))]
        if len(scores) < depth:  # that is the whole band
            depth -= len(scores)
            kept.append(band)
            continue
        least = formula.least_demand(sorted(scores)[-depth])
        if not least:  # every request has a demand of 0 or more
            return None
        return sa.or_(DEMAND >= least, *kept)
    return None


def _order(columns: Any, sort: str, overdue_first: bool) -> list[Any]:
    order: list[Any] = []
    if overdue_first:
        order.append(sa.case((columns.overdue, 0), else_=1))
    order += {
        "priority": [columns.score.desc(), columns.created.asc()],
        "newest": [columns.created.desc()],
        "oldest": [columns.created.asc()],
        "supporters": [columns.supporters.desc(), columns.created.asc()],
    }[sort]
    order.append(columns.id)
    return order


def detail(request_id: str, window_days: int) -> Optional[Row]:
    """One request with everything ``search`` adds to a row."""
    _, rows = search({"id": request_id}, "newest", 1, 0, window_days)
    return rows[0] if rows else None


def metrics(window_days: int,
            organization_ids: Optional[Sequence[str]] = None) -> list[Row]:
    """Per agency (None: unassigned): requests, answered, answered within
    the window, answered late, waiting and overdue, waiting within the
    window."""
    at = now()
    deadline = r.c.created + dt.timedelta(days=window_days)
    waiting = r.c.answered_at.is_(None)
    count_if = lambda condition: sa.func.count().filter(condition)  # noqa: E731
    query = (sa.select(
        r.c.organization_id,
        sa.func.count().label("requests"),
        count_if(r.c.answered_at.is_not(None)).label("answered"),
        count_if(r.c.answered_at <= deadline).label("answered_in_time"),
        count_if(r.c.answered_at > deadline).label("answered_late"),
        count_if(sa.and_(waiting, deadline < at)).label("overdue"),
        count_if(sa.and_(waiting, deadline >= at)).label("waiting"))
        .group_by(r.c.organization_id))
    if organization_ids is not None:
        query = query.where(r.c.organization_id.in_(organization_ids))
    return list(_execute(query))


# --- ratings -------------------------------------------------------------------

def rate(dataset_id: str, user_id: str, stars: int, reason: str,
         text: str) -> bool:
    """Set the user's one current rating of the dataset; True when it is a
    new rating rather than a change."""
    statement = postgresql.insert(rating_t).values(
        dataset_id=dataset_id, user_id=user_id, stars=stars, reason=reason,
        comment=text)
    statement = statement.on_conflict_do_update(
        index_elements=["dataset_id", "user_id"],
        set_={"stars": stars, "reason": reason, "comment": text,
              "modified": sa.func.now()}
    ).returning(sa.literal_column("(xmax = 0)").label("inserted"))
    return bool(_execute(statement).scalar())


def unrate(dataset_id: str, user_id: str) -> bool:
    return _execute(sa.delete(rating_t).where(
        rating_t.c.dataset_id == dataset_id, rating_t.c.user_id == user_id)
        .returning(rating_t.c.user_id)).first() is not None


def rating_summary(dataset_id: str) -> dict[str, Any]:
    rows = _execute(sa.select(rating_t.c.stars, sa.func.count())
                    .where(rating_t.c.dataset_id == dataset_id)
                    .group_by(rating_t.c.stars)).all()
    by_stars = {stars: 0 for stars in range(1, 6)}
    by_stars.update({int(stars): int(n) for stars, n in rows})
    count = sum(by_stars.values())
    average = (sum(s * n for s, n in by_stars.items()) / count
               if count else None)
    return {"count": count,
            "average": round(average, 2) if average is not None else None,
            "by_stars": {str(s): n for s, n in by_stars.items()},
            "low": sum(n for s, n in by_stars.items() if s <= LOW_RATING)}


def user_rating(dataset_id: str, user_id: Optional[str]) -> Optional[Row]:
    if not user_id:
        return None
    return _execute(sa.select(rating_t).where(
        rating_t.c.dataset_id == dataset_id,
        rating_t.c.user_id == user_id)).first()


def refresh_low_ratings(dataset_id: str) -> None:
    """Copy the dataset's current count of low ratings onto its open
    improvement request (the low-ratings term of the score)."""
    low = (sa.select(sa.func.count()).select_from(rating_t)
           .where(rating_t.c.dataset_id == dataset_id,
                  rating_t.c.stars <= LOW_RATING).scalar_subquery())
    _execute(sa.update(r).where(
        r.c.dataset_id == dataset_id, r.c.kind == "improvement",
        r.c.status.in_(workflow.OPEN)).values(low_ratings=low))


def public_dataset(id_or_name: str) -> Optional[Row]:
    """An active public dataset by id or name (any type), else None."""
    return _execute(sa.select(_package).where(
        sa.or_(_package.c.id == id_or_name, _package.c.name == id_or_name),
        _package.c.state == "active", _package.c.private.is_(False))
    ).first()


# --- the sweep -------------------------------------------------------------------

def claim_overdue(window_days: int) -> list[Row]:
    """Mark the overdue requests no run has reported yet and return them:
    a concurrent run gets the others, never the same ones."""
    at = sa.literal(now(), sa.DateTime(timezone=True))
    return list(_execute(
        sa.update(r).where(_overdue(window_days, at),
                           r.c.overdue_notified_at.is_(None))
        .values(overdue_notified_at=sa.func.now())
        .returning(r.c.id, _public_title().label("title"),
                   r.c.organization_id, r.c.created)))


def release_overdue(request_ids: Sequence[str]) -> None:
    _execute(sa.update(r).where(r.c.id.in_(request_ids))
             .values(overdue_notified_at=None))


def refresh_usage(view_counts: Iterable[tuple[str, int]]) -> int:
    """Set the dataset usage of open improvement requests."""
    changed = 0
    for dataset_id, views in view_counts:
        changed += _execute(sa.update(r).where(
            r.c.dataset_id == dataset_id, r.c.kind == "improvement",
            r.c.status.in_(workflow.OPEN), r.c.dataset_usage != views)
            .values(dataset_usage=views)).rowcount
    return changed


def improvement_dataset_ids() -> list[str]:
    return [row[0] for row in _execute(
        sa.select(r.c.dataset_id).where(
            r.c.kind == "improvement", r.c.status.in_(workflow.OPEN),
            r.c.dataset_id.is_not(None)))]


def type_counts(row: Mapping[str, Any]) -> dict[str, int]:
    return {t: int(row[f"supporters_{t}"]) for t in REQUESTER_TYPES}
