"""`caseload`: the yearly case-load cap, the assignment ledger and the quality indicators.

    legalaid-rules caseload init DB [--pack anhui/anqing]
    legalaid-rules caseload govern DB --pack ID --admin NAME --reason TEXT
    legalaid-rules caseload add-lawyer DB --id L1 --name 张律师 --kind social_lawyer --office huaining
    legalaid-rules caseload add-case DB --id C1 --approved 2023-03-01 --matter labour --litigation
    legalaid-rules caseload assign DB --case C1 --lawyer L1 --date 2023-03-02 [--pack anhui/anqing]
    legalaid-rules caseload withdraw DB --case C1 --date 2023-04-01
    legalaid-rules caseload close DB --case C1 --date 2023-09-30
    legalaid-rules caseload status DB --lawyer L1 --year 2023
    legalaid-rules caseload report DB --year 2023 [--office huaining] [--format text|json]

DB is a file path, ``sqlite:///path`` or ``postgresql://user@host/database``. A ledger is governed
by the pack it was created with; ``--pack`` naming another is refused (``ledger.wrong_pack``).

Exit codes: 0 done; 1 the assignment is refused because the lawyer reached the yearly cap;
2 bad input (an unknown lawyer or case, a closed case, a date outside any pack, a missing
ledger file). Errors are printed as ``error: <code>: <message>``, never as tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from legalaid_rules.caseload.cap import caseload_cap, default_warn_at
from legalaid_rules.caseload.indicators import office_report, pack_for_year, report_json, report_text
from legalaid_rules.caseload.ledger import DEFAULT_PACK, LawyerKind, Ledger
from legalaid_rules.cli._app import DATE, ROOT_OPTION, complete_matters, main, reported
from legalaid_rules.i18n import N_, _, language
from legalaid_rules.packs.registry import Registry
from legalaid_rules.storage import StorageError

_DB = click.argument("db", metavar="DB")
_PACK = click.option(
    "--pack",
    "pack_id",
    default=None,
    help=N_("The ledger's governing pack (default: the one it records); another pack is refused."),
)
_WARN = click.option(
    "--warn-at",
    type=click.IntRange(min=0),
    default=None,
    help=N_("Near-cap warning line (default 90% of the cap)."),
)


@contextmanager
def _ledger(
    db: str, pack_id: str | None = None, root: Path | None = None, create: bool = False
) -> Iterator[Ledger]:
    """Open the ledger, report library and database errors as one line and exit 2."""
    with reported(2):
        try:
            ledger = Ledger(db, pack_id=pack_id, registry=Registry(root), create=create)
        except StorageError as exc:
            click.echo(
                _("error: ledger.unreadable: `{db}` is not a readable ledger ({reason})").format(
                    db=db, reason=exc
                ),
                err=True,
            )
            sys.exit(2)
        try:
            yield ledger
        except ledger.engine.errors as exc:
            click.echo(_("error: ledger.unreadable: `{db}`: {reason}").format(db=db, reason=exc), err=True)
            sys.exit(2)
        finally:
            ledger.close_connection()


@main.group(
    "caseload",
    help=N_("The yearly case-load cap (90 in Anqing), the assignment ledger and the quality indicators."),
)
def caseload() -> None:
    """The yearly case-load cap (90 in Anqing), the assignment ledger and the quality indicators."""


@caseload.command(
    "init", help=N_("Create an empty ledger (or check an existing one), governed by a pack with a cap.")
)
@_DB
@click.option(
    "--pack",
    "pack_id",
    default=None,
    show_default=DEFAULT_PACK,
    help=N_("The governing pack of a new ledger."),
)
@ROOT_OPTION
def init_command(db: str, pack_id: str | None, root: Path | None) -> None:
    """Create an empty ledger (or check an existing one), governed by a pack with a cap."""
    with _ledger(db, pack_id, root, create=True) as ledger:
        click.echo(_("ledger ready: {db} (governed by {pack})").format(db=db, pack=ledger.pack_id))


@caseload.command(
    "govern",
    help=N_("Administrative override: change the governing pack, or accept a changed pack version (logged)."),
)
@_DB
@click.option("--pack", "pack_id", required=True, help=N_("The pack that governs the ledger from now on."))
@click.option("--admin", required=True, help=N_("Who makes the change (logged)."))
@click.option("--reason", required=True, help=N_("Why (logged)."))
@ROOT_OPTION
def govern_command(db: str, pack_id: str, admin: str, reason: str, root: Path | None) -> None:
    """Administrative override: change the governing pack, or accept a changed pack version (logged)."""
    with _ledger(db, None, root) as ledger:
        event = ledger.govern(pack_id, admin=admin, reason=reason)
    click.echo(
        _("governed by {pack}: event {event} by {actor} at {at}: {detail}").format(
            pack=pack_id, event=event.id, actor=event.actor, at=event.at, detail=event.detail
        )
    )


@caseload.command(
    "add-lawyer", help=N_("Register a lawyer or grassroots legal worker (creates the ledger if missing).")
)
@_DB
@click.option("--id", "lawyer_id", required=True, help=N_("Lawyer id."))
@click.option("--name", required=True, help=N_("Name."))
@click.option("--kind", type=click.Choice([k.value for k in LawyerKind]), required=True)
@click.option("--office", default=None, help=N_("Office id (a region id such as huaining)."))
def add_lawyer_command(db: str, lawyer_id: str, name: str, kind: str, office: str | None) -> None:
    """Register a lawyer or grassroots legal worker (creates the ledger if missing)."""
    with _ledger(db, create=True) as ledger:
        ledger.add_lawyer(lawyer_id, name, kind, office)
        click.echo(_("added lawyer {lawyer} ({kind})").format(lawyer=lawyer_id, kind=kind))


@caseload.command("add-case", help=N_("Register an approved case (creates the ledger if missing)."))
@_DB
@click.option("--id", "case_id", required=True, help=N_("Case id."))
@click.option("--approved", type=DATE, required=True, help=N_("Approval date, YYYY-MM-DD."))
@click.option("--matter", required=True, shell_complete=complete_matters, help=N_("Matter code."))
@click.option("--litigation/--non-litigation", default=True, show_default=True)
@click.option("--office", default=None, help=N_("Office id (a region id such as huaining)."))
def add_case_command(
    db: str, case_id: str, approved: dt.datetime, matter: str, litigation: bool, office: str | None
) -> None:
    """Register an approved case (creates the ledger if missing)."""
    with _ledger(db, create=True) as ledger:
        ledger.add_case(case_id, approved.date(), matter, litigation=litigation, office=office)
        click.echo(_("added case {case}").format(case=case_id))


@caseload.command(
    "assign", help=N_("Assign a case to a lawyer if the yearly cap allows it (exit 1 when refused).")
)
@_DB
@click.option("--case", "case_id", required=True)
@click.option("--lawyer", "lawyer_id", required=True)
@click.option("--date", "on", type=DATE, required=True, help=N_("Assignment date, YYYY-MM-DD."))
@_PACK
@ROOT_OPTION
@_WARN
def assign_command(
    db: str,
    case_id: str,
    lawyer_id: str,
    on: dt.datetime,
    pack_id: str | None,
    root: Path | None,
    warn_at: int | None,
) -> None:
    """Assign a case to a lawyer if the yearly cap allows it (exit 1 when refused)."""
    with _ledger(db, pack_id, root) as ledger:
        result = ledger.assign(case_id, lawyer_id, on.date(), warn_at=warn_at)
    if result.outcome == "unchanged":
        click.echo(
            _("unchanged: case {case} is already assigned to {lawyer} (since {on})").format(
                case=case_id, lawyer=lawyer_id, on=result.on
            )
        )
        return
    check = result.check
    assert check is not None
    head = {
        "assigned": _("assigned: case {case} -> {lawyer} on {on}"),
        "moved": _("moved: case {case} {moved_from} -> {lawyer} on {on}"),
        "refused": _("refused: case {case} -> {lawyer} on {on}"),
    }[result.outcome]
    click.echo(head.format(case=case_id, lawyer=lawyer_id, on=result.on, moved_from=result.moved_from))
    click.echo(check.en if language() == "en" else check.zh)
    if check.near_cap:
        click.echo(
            _("warning: near the cap ({count}/{limit})").format(count=check.count_after, limit=check.limit),
            err=True,
        )
    if result.outcome == "refused":
        sys.exit(1)


@caseload.command("withdraw", help=N_("Withdraw a case's assignment; it stops counting for the lawyer."))
@_DB
@click.option("--case", "case_id", required=True)
@click.option("--date", "on", type=DATE, required=True)
def withdraw_command(db: str, case_id: str, on: dt.datetime) -> None:
    """Withdraw a case's assignment; it stops counting for the lawyer."""
    with _ledger(db) as ledger:
        held = ledger.withdraw(case_id, on.date())
        click.echo(
            _("withdrawn: case {case} from {lawyer} on {on}").format(
                case=case_id, lawyer=held.lawyer, on=on.date()
            )
        )


@caseload.command("close", help=N_("Close a case (it stays in its lawyer's count)."))
@_DB
@click.option("--case", "case_id", required=True)
@click.option("--date", "on", type=DATE, required=True)
def close_command(db: str, case_id: str, on: dt.datetime) -> None:
    """Close a case (it stays in its lawyer's count)."""
    with _ledger(db) as ledger:
        ledger.close(case_id, on.date())
        click.echo(_("closed: case {case} on {on}").format(case=case_id, on=on.date()))


@caseload.command("status", help=N_("One lawyer's cases in a year against the cap."))
@_DB
@click.option("--lawyer", "lawyer_id", required=True)
@click.option("--year", type=int, required=True)
@_PACK
@ROOT_OPTION
@_WARN
def status_command(
    db: str, lawyer_id: str, year: int, pack_id: str | None, root: Path | None, warn_at: int | None
) -> None:
    """One lawyer's cases in a year against the cap."""
    with _ledger(db, pack_id, root) as ledger:
        lawyer = ledger.lawyer(lawyer_id)
        count = ledger.count(lawyer_id, year)
        pack, day = pack_for_year(ledger, year)
        region = lawyer.office if lawyer.office in pack.regions else None
        cap = caseload_cap(pack, day, region)
    who = f"{lawyer.id} {lawyer.name} ({lawyer.kind.value}, {lawyer.office or '-'})"
    if cap is None:
        click.echo(
            _("{who}: {count} case(s) in {year}; {pack} {version} sets no yearly case-load cap").format(
                who=who, count=count, year=year, pack=pack.id, version=pack.version
            )
        )
        return
    line = default_warn_at(cap.limit) if warn_at is None else warn_at
    left = max(cap.limit - count, 0)
    state = (
        _("over the cap")
        if count > cap.limit
        else _("at the cap")
        if count == cap.limit
        else _("near the cap")
        if count >= line
        else _("ok")
    )
    click.echo(
        _("{who}: {count}/{limit} cases in {year}, {left} left: {state} ({basis})").format(
            who=who, count=count, limit=cap.limit, year=year, basis=cap.basis, left=left, state=state
        )
    )


@caseload.command(
    "report",
    help=N_("Per lawyer: cases vs cap; for the office: closure ratio, litigation and social-lawyer shares."),
)
@_DB
@click.option("--year", type=int, required=True)
@click.option("--office", default=None, help=N_("One office (default: the whole ledger)."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_PACK
@ROOT_OPTION
@_WARN
def report_command(
    db: str,
    year: int,
    office: str | None,
    fmt: str,
    pack_id: str | None,
    root: Path | None,
    warn_at: int | None,
) -> None:
    """Per lawyer: cases vs cap; for the office: closure ratio, litigation and social-lawyer shares."""
    with _ledger(db, pack_id, root) as ledger:
        report = office_report(ledger, year, office, warn_at=warn_at)
    if fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report))
