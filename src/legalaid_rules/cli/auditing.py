"""`trace`, `replay`, `log append|list|verify`, `audit` and `explain`: the audit commands.

Exit codes:

- ``trace``: 0 written; 2 bad input (invalid application, unknown pack, unreadable file).
- ``replay``: 0 identical; 1 different (each differing field is printed); 3 the pack changed
  (never used silently); 2 bad input.
- ``log verify``: 0 the chain is valid; 1 broken, the first bad record named; 2 bad input.
- ``log append`` / ``log list``: 0 done; 2 bad input.
- ``audit``: 0 every line agrees; 1 a disagreement or a line that could not be audited; 2 the
  file cannot be read.
- ``explain``: 0 printed; 2 bad input.

Masking: ``--mask-key-file`` names a file holding the deployment's secret key; the fields in
``--mask`` (default: applicant.name, applicant.id_number, applicant.phone) are then replaced by
salted HMAC digests before a trace is written or appended.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from legalaid_rules.applicants import Application
from legalaid_rules.audit.batch import audit, html_report
from legalaid_rules.audit.errors import AuditError
from legalaid_rules.audit.explain import trace_text
from legalaid_rules.audit.log import DecisionLog
from legalaid_rules.audit.masking import DEFAULT_PATHS, Masking
from legalaid_rules.audit.record import load_trace, trace
from legalaid_rules.audit.replay import replay
from legalaid_rules.cli._app import main
from legalaid_rules.cli._io import read_data
from legalaid_rules.cli.packs import reported
from legalaid_rules.evaluator import to_application
from legalaid_rules.packs.registry import Registry

__all__ = [
    "audit_command",
    "explain_command",
    "log_group",
    "replay_command",
    "trace_command",
]

_ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of packs (default: the packs shipped with the library).",
)
_MASK_KEY = click.option(
    "--mask-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="File holding the deployment's masking key: mask personal fields before writing.",
)
_MASK = click.option(
    "--mask",
    "mask_paths",
    multiple=True,
    help="An input path to mask (repeatable; default: "
    + ", ".join(DEFAULT_PATHS)
    + "). Needs --mask-key-file.",
)


def _masking(key_file: Path | None, paths: tuple[str, ...]) -> Masking | None:
    if key_file is None:
        if paths:
            raise AuditError("mask.no_key", "--mask needs --mask-key-file")
        return None
    try:
        key = key_file.read_bytes().strip()
    except OSError as exc:
        raise AuditError("mask.unreadable_key", f"cannot read {key_file}: {exc.strerror}") from None
    return Masking(key, paths or DEFAULT_PATHS)


@main.command("trace")
@click.option("--pack", "pack_id", required=True, help="Pack id, e.g. anhui/anqing.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pick the pack version in force on this date (default: the application date).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the trace record (canonical JSON) here.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also append the record to this decision log (created when missing).",
)
@_MASK_KEY
@_MASK
@_ROOT
@click.argument("application", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def trace_command(
    pack_id: str,
    on: dt.datetime | None,
    output: Path,
    log_path: Path | None,
    mask_key_file: Path | None,
    mask_paths: tuple[str, ...],
    root: Path | None,
    application: Path,
) -> None:
    """Decide an application and write its trace record (optionally append it to a log)."""
    with reported(2):
        masking = _masking(mask_key_file, mask_paths)
        app: Application = to_application(read_data(application))
        day = on.date() if on else app.date
        pack = Registry(root).load(pack_id, day)
        record = trace(pack, app, pack_date=day)
        if masking is not None:
            record = masking.mask_record(record)
        try:
            output.write_bytes(record.canonical())
        except OSError as exc:
            raise AuditError("trace.unwritable", f"cannot write {output}: {exc.strerror}") from None
        seq = None
        if log_path is not None:
            with DecisionLog(log_path) as log:
                seq = log.append(record).seq
    click.echo(
        f"{record.decision_id}: {record.decision.outcome.value} "
        f"({record.pack.id} {record.pack.version}) -> {output}"
        + (f", log record {seq}" if seq is not None else "")
    )


@main.command("replay")
@click.option(
    "--original",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The original application, for a trace whose personal fields were masked.",
)
@_MASK_KEY
@_ROOT
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def replay_command(
    original: Path | None, mask_key_file: Path | None, root: Path | None, file: Path
) -> None:
    """Re-evaluate a stored trace with the pack version it names and compare.

    Exit 0 identical, 1 different (each field printed), 3 the pack changed.
    """
    with reported(2):
        record = load_trace(file)
        masking = _masking(mask_key_file, record.masked.paths if record.masked and mask_key_file else ())
        result = replay(
            record,
            Registry(root),
            original=read_data(original) if original is not None else None,
            masking=masking,
        )
    pack = record.pack
    if result.status == "pack_changed":
        click.echo(f"pack changed: {result.reason}")
        sys.exit(3)
    if result.input_verified is None:
        click.echo("note: personal fields are masked; the input digest is not checked (use --original)")
    if result.status == "identical":
        click.echo(f"identical: {record.decision_id} ({pack.id} {pack.version}, {pack.digest[:19]}…)")
        return
    click.echo(f"different: {record.decision_id}: {len(result.differences)} field(s) differ")
    for d in result.differences:
        click.echo(f"  {d}")
    sys.exit(1)


@main.group("log")
def log_group() -> None:
    """The decision log: an append-only SQLite file whose records form a hash chain."""


@log_group.command("append")
@_MASK_KEY
@_MASK
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument(
    "traces", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def log_append(
    mask_key_file: Path | None, mask_paths: tuple[str, ...], db: Path, traces: tuple[Path, ...]
) -> None:
    """Append trace files (written by `trace`) to the log DB, in the order given."""
    with reported(2):
        masking = _masking(mask_key_file, mask_paths)
        records = [load_trace(p) for p in traces]
        with DecisionLog(db, masking=masking) as log:
            for path, record in zip(traces, records, strict=True):
                entry = log.append(record)
                click.echo(f"{entry.seq}\t{entry.digest}\t{path}")


@log_group.command("list")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many records.")
@click.argument("db", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def log_list(offset: int, limit: int | None, db: Path) -> None:
    """List the records of the log DB: seq, time, decision id, pack, outcome, digest."""
    with reported(2):
        with DecisionLog(db, create=False) as log:
            entries = log.list(offset=offset, limit=limit)
        for e in entries:
            r = e.trace()
            click.echo(
                f"{e.seq}\t{r.timestamp.isoformat()}\t{r.decision_id}\t{r.pack.id}@{r.pack.version}"
                f"\t{r.decision.outcome.value}\t{e.digest}"
            )


@log_group.command("verify")
@click.option("--head", "expected_head", default=None, help="A head digest kept outside the file.")
@click.argument("db", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def log_verify(expected_head: str | None, db: Path) -> None:
    """Recompute the hash chain of the log DB. Exit 0 valid, 1 broken (first bad record named)."""
    with reported(2), DecisionLog(db, create=False) as log:
        result = log.verify(expected_head)
    if result.ok:
        click.echo(f"valid: {result.count} record(s), head {result.head}")
        return
    assert result.problem is not None
    click.echo(
        f"broken: {result.problem} [{result.problem.code}] "
        f"({result.count} record(s) good before it)"
    )
    sys.exit(1)


@main.command("audit")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a self-contained HTML report here.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes deciding in parallel (worth it for large files).",
)
@_ROOT
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def audit_command(
    report_path: Path | None, lang: str, workers: int, root: Path | None, file: Path
) -> None:
    """Re-decide past decisions (JSON Lines) with the pack in force on each date, and compare.

    Exit 0 every line agrees; 1 a disagreement or a line that could not be audited.
    """
    zh = lang == "zh"
    with reported(2):
        registry = Registry(root)
        size = file.stat().st_size
        with click.progressbar(
            length=size, label="审计中" if zh else "auditing", file=sys.stderr
        ) as bar:
            report = audit(file, registry, progress=bar.update, workers=workers)
        if report_path is not None:
            try:
                report_path.write_text(html_report(report), encoding="utf-8")
            except OSError as exc:
                raise AuditError("audit.unwritable", f"cannot write {report_path}: {exc.strerror}") from None
    rows = [
        ("记录" if zh else "records", report.total),
        ("一致" if zh else "agreements", report.agreements),
        ("不一致" if zh else "disagreements", len(report.disagreements)),
        ("无法审计" if zh else "failed", len(report.failures)),
    ]
    for name, count in rows:
        click.echo(f"{name:<14}{count:>10}")
    if report.disagreements:
        click.echo("不一致按规则：" if zh else "disagreements by rule:")
        for rule, count in report.by_rule():
            click.echo(f"  {rule:<44}{count:>8}")
    for d in report.disagreements[:20]:
        rules = ", ".join(r.rule for r in d.reasons)
        click.echo(f"  line {d.line}: recorded {d.recorded}, now {d.now} [{rules}]")
    if len(report.disagreements) > 20:
        click.echo(f"  … {len(report.disagreements) - 20} more (see --report)")
    for f in report.failures[:20]:
        click.echo(f"  line {f.line}: {f.code}: {f.message}", err=True)
    if len(report.failures) > 20:
        click.echo(f"  … {len(report.failures) - 20} more failed line(s)", err=True)
    if report_path is not None:
        click.echo(f"report: {report_path}")
    if not report.all_agree:
        sys.exit(1)


@main.command("explain")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def explain_command(lang: str, file: Path) -> None:
    """Print a stored trace as text: the decision, each step with its values and basis."""
    with reported(2):
        record = load_trace(file)
    click.echo(trace_text(record, lang))
