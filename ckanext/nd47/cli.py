"""``ckan nd47 …`` commands."""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional, TextIO

import click

import ckan.plugins.toolkit as tk

from ckanext.nd47 import deadlines as dl

__all__ = ["nd47"]


@click.group(short_help="ckanext-nd47 commands")
def nd47() -> None:
    """Commands of the Decree 47 open-data portal."""


@nd47.command("demo-data")
@click.option("--user", default="admin", show_default=True,
              help="Sysadmin that creates the demo catalogue.")
def demo_data(user: str) -> None:
    """Create the demo agencies, groups and datasets that are missing."""
    from ckanext.nd47.demo import loader

    created = loader.load(user, echo=click.echo)
    click.echo(
        "Dữ liệu mẫu / demo data: "
        f"{created['agencies']} cơ quan / agencies, "
        f"{created['groups']} nhóm / groups, "
        f"{created['datasets']} bộ dữ liệu / datasets, "
        f"{created['databases']} CSDL / databases, "
        f"{created['services']} dịch vụ chia sẻ / data services, "
        f"{created['requests']} yêu cầu dữ liệu / data requests created"
    )


@nd47.command("deadlines")
@click.option("--within-days", type=click.IntRange(min=0),
              help="Nhắc cả các hạn trong số ngày này / also remind of "
                   "deadlines within this many days "
                   "[default: ckanext.nd47.deadlines.warning_days].")
@click.option("--send-mail/--no-send-mail", default=False, show_default=True,
              help="Gửi thư cho cán bộ đầu mối / mail the focal points.")
@click.option("--organization", metavar="NAME",
              help="Chỉ một cơ quan / only this agency.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Ngày tính hạn, để kiểm thử / the day to count from, "
                   "for testing [default: today].")
@click.pass_context
def deadlines(ctx: click.Context, within_days: Optional[int], send_mail: bool,
              organization: Optional[str],
              today: Optional[dt.datetime]) -> None:
    """List, and with --send-mail mail, the Decree 47 Art. 20(3) review and
    update deadlines of open datasets that are passed, near or never set,
    per agency. Exits with 1 when a mail could not be sent."""
    day = today.date() if today else dt.date.today()
    # the dataset URLs in the mails come from url_for, which needs a request
    with ctx.meta["flask_app"].test_request_context():
        try:
            agencies = dl.collect(within_days, day, organization)
        except tk.ObjectNotFound:
            raise click.BadParameter(
                f"Không tìm thấy cơ quan / no such agency: {organization}",
                param_hint="--organization") from None
        _echo_deadlines(agencies)
        reindexed = dl.reindex_overdue(agencies)
        click.echo(f"Đã cập nhật chỉ mục tìm kiếm của {reindexed} bộ dữ liệu "
                   f"quá hạn / re-indexed {reindexed} overdue datasets")
        if send_mail and not _echo_mail_results(
                dl.send_reminders(agencies, day)):
            ctx.exit(1)


def _echo_deadlines(agencies: list[dl.Agency]) -> None:
    if not agencies:
        click.echo("Không có hạn nào cần nhắc / no deadlines to remind of")
    for agency in agencies:
        focal = (f"{agency.focal_point_name} <{agency.email}>"
                 if agency.email else
                 "chưa có thư điện tử / no focal point email")
        click.echo(f"{agency.title} ({agency.name}) — "
                   f"Cán bộ đầu mối / Focal point: {focal}")
        for deadline in agency.deadlines:
            vi, en = dl.KIND_LABELS[deadline.kind]
            due = deadline.due.isoformat() if deadline.due else "—"
            click.echo(f"  {deadline.status.label:<27}  {vi} / {en:<21}  "
                       f"{due:<10}  {deadline.name}")


def _echo_mail_results(results: list[dl.MailResult]) -> bool:
    """Report the mails; False when any could not be sent."""
    ok = True
    for result in results:
        agency = result.agency
        if result.error:
            ok = False
            click.echo(f"Gửi thư cho {agency.email} thất bại / mail to "
                       f"{agency.email} failed: {result.error}", err=True)
        elif result.sent:
            click.echo(f"Đã gửi thư cho {agency.email} về "
                       f"{len(result.sent)} hạn / mailed {agency.email} "
                       f"about {len(result.sent)} deadlines")
        else:
            click.echo(f"Đã nhắc {agency.email} trước đó / {agency.email} "
                       "was already reminded")
    return ok


@nd47.group("requests", short_help="Yêu cầu dữ liệu / data requests")
def requests() -> None:
    """Data requests and the publication priority queue."""


@requests.command("sweep")
@click.option("--send-mail/--no-send-mail", default=False, show_default=True,
              help="Gửi thư về yêu cầu quá hạn cho cán bộ đầu mối / mail "
                   "the focal points about overdue requests.")
@click.pass_context
def sweep(ctx: click.Context, send_mail: bool) -> None:
    """Refresh the dataset-usage term of the priority score and list (with
    --send-mail: mail each agency's focal point, once per request) the
    requests not answered within ckanext.nd47.requests.response_days.
    Exits with 1 when a mail could not be sent."""
    from ckanext.nd47.feedback import sweep as sw

    result = sw.sweep(send_mail)
    click.echo(f"Cập nhật lượt xem của {result.usage_updated} yêu cầu / "
               f"usage refreshed on {result.usage_updated} requests")
    label = ("Quá hạn, báo lần đầu / overdue, first notice" if send_mail
             else "Quá hạn trả lời / overdue")
    click.echo(f"{label}: {len(result.overdue)}")
    for request in result.overdue:
        click.echo(f"  {request.created:%Y-%m-%d}  {request.id}  "
                   f"{request.title}")
    if send_mail:
        click.echo(f"Đã gửi {result.mails_sent} thư / "
                   f"{result.mails_sent} mails sent")
        for name in result.unreachable:
            click.echo(f"Cơ quan chưa có thư điện tử đầu mối / no focal "
                       f"point email: {name}", err=True)
        for name in result.failed:
            click.echo(f"Gửi thư thất bại / mail failed: {name}", err=True)
        if result.failed:
            ctx.exit(1)


@nd47.command("export-dcat")
@click.option("--output", "-o", default="-", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="Tệp Turtle cần ghi, - là đầu ra chuẩn / the Turtle file "
                   "to write, - for standard output.")
@click.option("--modified-since", metavar="ISO8601",
              help="Chỉ các mục thay đổi từ thời điểm này / only entries "
                   "changed since this time, e.g. 2026-01-31T00:00:00Z.")
@click.option("--batch-size", type=click.IntRange(1, 5000), default=500,
              show_default=True,
              help="Số mục đọc mỗi lần / entries read at a time.")
@click.pass_context
def export_dcat(ctx: click.Context, output: str,
                modified_since: Optional[str], batch_size: int) -> None:
    """Write the whole open catalogue (open, public datasets and the
    data-sharing services) as one DCAT-AP 3 Turtle document, streamed a
    batch at a time. A file is written beside its target and renamed into
    place at the end, so a harvester never reads half an export."""
    import os
    import sys
    import tempfile
    import time

    from ckanext.nd47.dcat import catalogue, export

    try:
        catalogue.parse_modified_since(modified_since)
    except catalogue.BadRequest as error:
        raise click.BadParameter(
            error.text(), param_hint="--modified-since") from None
    stats: dict[str, int] = {}
    started = time.perf_counter()
    with ctx.meta["flask_app"].test_request_context():
        pieces = export.stream(modified_since, batch_size, stats)
        target = os.path.abspath(output) if output != "-" else ""
        if not target or (os.path.exists(target)
                          and not os.path.isfile(target)):
            # standard output, /dev/null, a pipe: written as it comes
            if target:
                with open(target, "w", encoding="utf-8") as out:
                    _write_all(pieces, out)
            else:
                _write_all(pieces, sys.stdout)
        else:
            fd, partial = tempfile.mkstemp(
                dir=os.path.dirname(target), prefix=".export-dcat-",
                suffix=".ttl")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    _write_all(pieces, out)
                os.chmod(partial, 0o644)
                os.replace(partial, target)
            except BaseException:
                os.unlink(partial)
                raise
    click.echo(
        f"Đã xuất {stats['entries']} mục / exported {stats['entries']} "
        f"entries ({stats['written']} viết mới / written, {stats['kept']} "
        f"dùng lại / kept) trong / in "
        f"{time.perf_counter() - started:.1f} s", err=True)


def _write_all(pieces: Iterable[str], out: TextIO) -> None:
    for piece in pieces:
        out.write(piece)
    out.flush()
