"""`trace`, `replay`, `explain`, `log` and `audit`: decisions an auditor can check.

Exit codes:

- ``trace``, ``explain``: 0 done; 2 bad input (invalid application or trace, unknown pack).
- ``replay``: 0 identical; 1 the decision differs; 3 the pack changed or is missing; 4 the
  input changed (digest mismatch) or masked fields are needed; 2 bad input.
- ``log verify``: 0 the chain is intact; 1 a record was tampered with (the first bad one is
  named); 2 the log cannot be opened. ``log append|list|show``: 0 done; 2 bad input.
- ``audit``: 0 every record agrees; 1 disagreements or invalid records were found; 2 bad usage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path

import click

from legalaid_rules.cli._app import IN_FORCE_OPTION, PACK_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._io import read_data
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.packs.registry import Registry
from legalaid_rules.traces.audit import audit_lines
from legalaid_rules.traces.explain import explain_trace
from legalaid_rules.traces.log import DecisionLog, LogError
from legalaid_rules.traces.masking import PERSONAL_PATHS, MaskingPolicy
from legalaid_rules.traces.records import TraceRecord, load_trace
from legalaid_rules.traces.replay import replay
from legalaid_rules.traces.report import audit_html, audit_summary

__all__ = ["audit_command", "explain_command", "log_group", "replay_command", "trace_command"]

_MASK = click.option(
    "--mask",
    "mask",
    is_flag=True,
    help="Mask personal fields (name, ID number, phone) with the salt in $LEGALAID_MASK_SALT.",
)
_MASK_CONFIG = click.option(
    "--mask-config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='Masking configuration: JSON {"paths": [...], "salt_env": "VAR"}.',
)
_TRACE_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


def _policy(mask: bool, config: Path | None) -> MaskingPolicy | None:
    if config is not None:
        return MaskingPolicy.from_file(config)
    if mask:
        return MaskingPolicy.from_env("LEGALAID_MASK_SALT", PERSONAL_PATHS)
    return None


def _read_trace(path: Path) -> TraceRecord:
    return load_trace(path.read_bytes())


@main.command("trace")
@PACK_OPTION
@IN_FORCE_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the trace here (default: standard output).",
)
@click.option(
    "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="Also append it here."
)
@click.option("--pretty", is_flag=True, help="Indented JSON instead of canonical bytes.")
@_MASK
@_MASK_CONFIG
@ROOT_OPTION
@click.argument("application", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def trace_command(
    pack_id: str,
    on: dt.datetime | None,
    output: Path | None,
    log_path: Path | None,
    pretty: bool,
    mask: bool,
    mask_config: Path | None,
    root: Path | None,
    application: Path,
) -> None:
    """Decide an application and write the decision as a replayable trace record."""
    with reported(2):
        policy = _policy(mask, mask_config)
        app = to_application(read_data(application))
        pack = Registry(root).load(pack_id, on.date() if on else app.date)
        record = TraceRecord.from_decision(evaluate(pack, app), app, pack)
        if policy is not None:
            data = policy.apply(json.loads(record.canonical()))
            record = load_trace(data)
        if log_path is not None:
            with DecisionLog(log_path) as log:
                entry = log.append(record)
            click.echo(f"appended record {entry.seq} {entry.digest}", err=True)
    text = (
        json.dumps(json.loads(record.canonical()), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if pretty
        else record.canonical().decode("utf-8") + "\n"
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command("replay")
@_TRACE_FILE
@click.option(
    "--original",
    "originals",
    multiple=True,
    metavar="PATH=VALUE",
    help="The original of a masked field, e.g. input.applicant.name=张三, or PATH:=JSON for a "
    "value that is not text (repeatable).",
)
@_MASK
@_MASK_CONFIG
@ROOT_OPTION
def replay_command(
    file: Path, originals: tuple[str, ...], mask: bool, mask_config: Path | None, root: Path | None
) -> None:
    """Decide a stored trace again with the pack it names, and compare field by field."""
    with reported(2):
        record = _read_trace(file)
        given: dict[str, object] = {}
        for item in originals:
            path, sep, value = item.partition("=")
            if not sep:
                raise click.BadParameter(f"`{item}` is not PATH=VALUE", param_hint="--original")
            if path.endswith(":"):  # PATH:=JSON gives a number, a date string, null ...
                path = path[:-1]
                try:
                    given[path] = json.loads(value, parse_float=Decimal)
                except ValueError:
                    raise click.BadParameter(f"`{value}` is not JSON", param_hint="--original") from None
            else:
                given[path] = value
        result = replay(record, Registry(root), originals=given, masking=_policy(mask, mask_config))
    click.echo(f"{result.status.value}: {result.message}")
    for diff in result.differences:
        click.echo(f"  {diff}")
    sys.exit(result.status.exit_code)


@main.command("explain")
@_TRACE_FILE
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def explain_command(file: Path, lang: str) -> None:
    """Render a stored trace as readable text: decision, steps with values and basis, missing list."""
    with reported(2):
        record = _read_trace(file)
    click.echo(explain_trace(record, lang))


@main.group("log")
def log_group() -> None:
    """The tamper-evident decision log (an append-only SQLite file)."""


_DB = click.argument("db", type=click.Path(dir_okay=False, path_type=Path))


@log_group.command("append")
@_DB
@click.argument(
    "traces", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_MASK
@_MASK_CONFIG
def log_append(db: Path, traces: tuple[Path, ...], mask: bool, mask_config: Path | None) -> None:
    """Append trace files (JSON, or JSON Lines of traces) to the log, in one transaction."""
    with reported(2):
        records: list[TraceRecord] = []
        for path in traces:
            raw = path.read_bytes()
            lines = raw.splitlines() if path.suffix == ".jsonl" else [raw]
            records.extend(load_trace(line) for line in lines if line.strip())
        with DecisionLog(db, masking=_policy(mask, mask_config)) as log:
            entries = log.extend(records)
    for entry in entries:
        click.echo(f"{entry.seq}\t{entry.digest}")


@log_group.command("list")
@_DB
@click.option("--start", default=1, show_default=True, help="First sequence number.")
@click.option("--limit", default=None, type=int, help="At most this many records.")
def log_list(db: Path, start: int, limit: int | None) -> None:
    """List the records: sequence, digest, decision id, pack, date and outcome."""
    with reported(2):
        _must_exist(db)
        with DecisionLog(db) as log:
            for entry in log.list(start, limit):
                data = entry.data
                pack = data.get("pack", {}) if isinstance(data, dict) else {}
                click.echo(
                    "\t".join(
                        str(x)
                        for x in (
                            entry.seq,
                            entry.digest,
                            data.get("decision_id", "-"),
                            f"{pack.get('id', '-')}@{pack.get('version', '-')}",
                            data.get("date", "-"),
                            data.get("outcome", "-"),
                        )
                    )
                )


@log_group.command("show")
@_DB
@click.argument("seq", type=int)
def log_show(db: Path, seq: int) -> None:
    """Print one record's JSON (to replay or explain it: `log show DB 5 > t.json`)."""
    with reported(2):
        _must_exist(db)
        with DecisionLog(db) as log:
            entry = log.get(seq)
    click.echo(entry.body.decode("utf-8"))


@log_group.command("verify")
@_DB
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="SEQ=DIGEST",
    help="A digest published outside the log (e.g. yesterday's head) that must still be there.",
)
def log_verify(db: Path, anchors: tuple[str, ...]) -> None:
    """Check the hash chain; name the first edited, missing, inserted, moved or cut-off record."""
    with reported(2):
        _must_exist(db)
        pinned: dict[int, str] = {}
        for item in anchors:
            seq, sep, value = item.partition("=")
            if not sep or not seq.isdigit():
                raise click.BadParameter(f"`{item}` is not SEQ=DIGEST", param_hint="--anchor")
            pinned[int(seq)] = value
        with DecisionLog(db) as log:
            result = log.verify(pinned)
    if result.ok:
        click.echo(f"ok: {result.count} record(s), head {result.head}")
        return
    click.echo(f"TAMPERED: {result.problem} [{result.problem.code if result.problem else '?'}]")
    click.echo(f"{result.count} record(s) before it are intact", err=True)
    sys.exit(1)


def _must_exist(db: Path) -> None:
    if not db.is_file():
        raise LogError(f"no decision log at {db}")


@main.command("audit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pack", "pack_id", default=None, help="Pack id for records that name none.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a self-contained HTML report here.",
)
@click.option("--jobs", default=1, show_default=True, help="Worker processes deciding in parallel.")
@ROOT_OPTION
def audit_command(
    file: Path, pack_id: str | None, report_path: Path | None, jobs: int, root: Path | None
) -> None:
    """Re-decide past decisions (JSON Lines) and report agreements, disagreements, invalid records."""
    registry = Registry(root)
    raw = file.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    lines = raw.splitlines(keepends=True)
    del raw
    if sys.stderr.isatty():
        with click.progressbar(length=len(lines), label="auditing", file=sys.stderr) as bar:
            last = [0]

            def step(n: int) -> None:
                bar.update(n - last[0])
                last[0] = n

            report = audit_lines(
                lines,
                registry=registry,
                pack=pack_id,
                progress=step,
                jobs=jobs,
                source=file.name,
                source_sha256=sha256,
            )
    else:
        report = audit_lines(
            lines, registry=registry, pack=pack_id, jobs=jobs, source=file.name, source_sha256=sha256
        )
    click.echo(audit_summary(report))
    if report_path is not None:
        report_path.write_text(audit_html(report), encoding="utf-8")
        click.echo(f"report written to {report_path}", err=True)
    sys.exit(0 if report.ok else 1)
