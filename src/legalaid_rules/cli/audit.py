"""`trace`, `replay`, `explain`, `log` and `audit`: decisions an auditor can check.

Exit codes:

- ``trace``, ``explain``: 0 done; 2 bad input (invalid application or trace, unknown pack).
- ``replay``: 0 identical; 1 the decision differs; 3 the pack changed or is missing; 4 the
  input changed (digest mismatch) or masked fields are needed; 2 bad input.
- ``log verify``: 0 the chain is intact; 1 a record was tampered with (the first bad one is
  named); 3 the log is empty; 2 not a decision log, or a bad anchor or checkpoint.
  ``log list|show``: 0 done; 1 a damaged record was shown; 2 bad input.
  ``log append|backup|keygen|checkpoint``: 0 done; 2 bad input.
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

from legalaid_rules.cli._app import IN_FORCE_OPTION, LANG_OPTION, PACK_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._io import read_data
from legalaid_rules.cli.analysis import what_if_command
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.registry import Registry
from legalaid_rules.traces.audit import audit_lines
from legalaid_rules.traces.checkpoints import (
    Checkpoint,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    private_pem,
    public_pem,
)
from legalaid_rules.traces.explain import explain_trace
from legalaid_rules.traces.log import DecisionLog, LogError, check_anchors
from legalaid_rules.traces.masking import PERSONAL_PATHS, MaskingPolicy
from legalaid_rules.traces.records import TraceRecord, load_trace
from legalaid_rules.traces.replay import replay
from legalaid_rules.traces.report import audit_html, audit_summary

__all__ = ["audit_command", "explain_command", "log_group", "replay_command", "trace_command"]

_MASK = click.option(
    "--mask",
    "mask",
    is_flag=True,
    help=N_("Mask personal fields (name, ID number, phone) with the salt in $LEGALAID_MASK_SALT."),
)
_MASK_CONFIG = click.option(
    "--mask-config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=N_('Masking configuration: JSON {"paths": [...], "salt_env": "VAR"}.'),
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


@main.command("trace", help=N_("Decide an application and write the decision as a replayable trace record."))
@PACK_OPTION
@IN_FORCE_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write the trace here (default: standard output)."),
)
@click.option(
    "--log", "log_path", default=None, metavar="DB", help=N_("Also append it to this decision log.")
)
@click.option("--pretty", is_flag=True, help=N_("Indented JSON instead of canonical bytes."))
@_MASK
@_MASK_CONFIG
@ROOT_OPTION
@click.argument("application", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def trace_command(
    pack_id: str,
    on: dt.datetime | None,
    output: Path | None,
    log_path: str | None,
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
            click.echo(
                _("appended record {seq} {digest}").format(seq=entry.seq, digest=entry.digest), err=True
            )
    text = (
        json.dumps(json.loads(record.canonical()), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if pretty
        else record.canonical().decode("utf-8") + "\n"
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command(
    "replay",
    help=N_("Decide a stored trace again with the pack it names, and compare field by field."),
)
@_TRACE_FILE
@click.option(
    "--original",
    "originals",
    multiple=True,
    metavar="PATH=VALUE",
    help=N_(
        "The original of a masked field, e.g. input.applicant.name=张三, or PATH:=JSON for a "
        "value that is not text (repeatable)."
    ),
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
                raise click.BadParameter(
                    _("`{item}` is not PATH=VALUE").format(item=item), param_hint="--original"
                )
            if path.endswith(":"):  # PATH:=JSON gives a number, a date string, null ...
                path = path[:-1]
                try:
                    given[path] = json.loads(value, parse_float=Decimal)
                except ValueError:
                    raise click.BadParameter(
                        _("`{value}` is not JSON").format(value=value), param_hint="--original"
                    ) from None
            else:
                given[path] = value
        result = replay(record, Registry(root), originals=given, masking=_policy(mask, mask_config))
    click.echo(f"{result.status.value}: {result.message}")
    for diff in result.differences:
        click.echo(f"  {diff}")
    sys.exit(result.status.exit_code)


@main.command(
    "explain",
    help=N_("Render a stored trace as readable text: decision, steps with values and basis, missing list."),
)
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--what-if",
    "what_if",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=N_(
        "Instead of a trace, an application (JSON or YAML): what would change its decision "
        "(the same as `legalaid-rules what-if`; needs --pack)."
    ),
)
@click.option("--pack", "pack_id", default=None, help=N_("With --what-if: the pack id, e.g. anhui/anqing."))
@click.option(
    "--change-fixed", is_flag=True, help=N_("With --what-if: also change facts the applicant cannot.")
)
@click.option("--limit", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG_OPTION
@ROOT_OPTION
@click.pass_context
def explain_command(
    ctx: click.Context,
    file: Path | None,
    what_if: Path | None,
    pack_id: str | None,
    change_fixed: bool,
    limit: int,
    fmt: str,
    lang: str,
    root: Path | None,
) -> None:
    """Render a stored trace as readable text: decision, steps with values and basis, missing list.

    With --what-if FILE: the smallest changes of an application's facts that flip its decision.
    """
    if what_if is not None:
        if file is not None or pack_id is None:
            raise click.UsageError(_("--what-if takes an application and --pack, not a trace"))
        ctx.invoke(
            what_if_command,
            file=what_if,
            pack_id=pack_id,
            change_fixed=change_fixed,
            limit=limit,
            fmt=fmt,
            lang=lang,
            root=root,
        )
        return
    if file is None:
        raise click.UsageError(_("name a trace file, or an application with --what-if"))
    with reported(2):
        record = _read_trace(file)
    click.echo(explain_trace(record, lang))


@main.group("log", help=N_("The tamper-evident decision log (SQLite file or PostgreSQL database)."))
def log_group() -> None:
    """The tamper-evident decision log (SQLite file or PostgreSQL database)."""


_DB = click.argument("db", metavar="DB")
_DB_HELP = N_("DB is a file path, sqlite:///path or postgresql://user@host/database.")


@log_group.command(
    "append",
    epilog=_DB_HELP,
    help=N_(
        "Append trace files (JSON, or JSON Lines of traces) to the log, in one transaction.\n\n"
        "A decision already in the log (same decision id, same content) is not stored again."
    ),
)
@_DB
@click.argument(
    "traces", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_MASK
@_MASK_CONFIG
def log_append(db: str, traces: tuple[Path, ...], mask: bool, mask_config: Path | None) -> None:
    """Append trace files (JSON, or JSON Lines of traces) to the log, in one transaction.

    A decision already in the log (same decision id, same content) is not stored again.
    """
    with reported(2):
        records: list[TraceRecord] = []
        for path in traces:
            raw = path.read_bytes()
            lines = raw.splitlines() if path.suffix == ".jsonl" else [raw]
            records.extend(load_trace(line) for line in lines if line.strip())
        with DecisionLog(db, masking=_policy(mask, mask_config)) as log:
            before = log.head()[0]
            entries = log.extend(records)
    for entry in entries:
        again = "\t" + _("(already in the log)") if entry.seq <= before else ""
        click.echo(f"{entry.seq}\t{entry.digest}{again}")


@log_group.command(
    "list",
    epilog=_DB_HELP,
    help=N_(
        "List the records: sequence, digest, decision id, pack, date and outcome.\n\n"
        "A damaged record is listed as such (exit 1 at the end) instead of stopping the list."
    ),
)
@_DB
@click.option("--start", default=1, show_default=True, help=N_("First sequence number."))
@click.option("--limit", default=None, type=int, help=N_("At most this many records."))
def log_list(db: str, start: int, limit: int | None) -> None:
    """List the records: sequence, digest, decision id, pack, date and outcome.

    A damaged record is listed as such (exit 1 at the end) instead of stopping the list.
    """
    damaged = 0
    with reported(2), DecisionLog(db, read_only=True) as log:
        for entry in log.list(start, limit):
            problem = entry.damage
            data = None if problem else entry.data
            if not isinstance(data, dict):
                damaged += 1
                why = problem or _("it is not a JSON object")
                click.echo(f"{entry.seq}\t{entry.digest}\t" + _("DAMAGED: {why}").format(why=why))
                continue
            pack = data.get("pack")
            pack = pack if isinstance(pack, dict) else {}
            fields = (
                entry.seq,
                entry.digest,
                data.get("decision_id", "-"),
                f"{pack.get('id', '-')}@{pack.get('version', '-')}",
                data.get("date", "-"),
                data.get("outcome", "-"),
            )
            click.echo("\t".join(str(x) for x in fields))
    if damaged:
        click.echo(
            _("{damaged} damaged record(s): run `legalaid-rules log verify`").format(damaged=damaged),
            err=True,
        )
        sys.exit(1)


@log_group.command(
    "show",
    epilog=_DB_HELP,
    help=N_(
        "Print one record's JSON (to replay or explain it: `log show DB 5 > t.json`).\n\n"
        "A damaged record is printed as stored (undecodable bytes replaced) with a warning, exit 1."
    ),
)
@_DB
@click.argument("seq", type=int)
def log_show(db: str, seq: int) -> None:
    """Print one record's JSON (to replay or explain it: `log show DB 5 > t.json`).

    A damaged record is printed as stored (undecodable bytes replaced) with a warning, exit 1.
    """
    with reported(2), DecisionLog(db, read_only=True) as log:
        entry = log.get(seq)
    click.echo(entry.body.decode("utf-8", "replace"))
    problem = entry.damage
    if problem:
        click.echo(
            _("warning: record {seq} is damaged: {problem}").format(seq=seq, problem=problem), err=True
        )
        sys.exit(1)


def _anchors(items: tuple[str, ...]) -> dict[int, str]:
    pinned: dict[int, str] = {}
    for item in items:
        seq, sep, value = item.partition("=")
        if not sep or not seq.strip().isdigit():
            raise click.BadParameter(_("`{item}` is not SEQ=DIGEST").format(item=item), param_hint="--anchor")
        number = int(seq)
        if number in pinned and pinned[number] != value:
            raise click.BadParameter(
                _("two different digests for record {seq}").format(seq=number), param_hint="--anchor"
            )
        pinned[number] = value
    return check_anchors(pinned)


@log_group.command(
    "verify",
    epilog=_DB_HELP,
    help=N_(
        "Check the hash chain; name the first edited, missing, inserted, moved or cut-off record.\n\n"
        "Opens the log read-only and writes nothing. Exit 0 intact; 1 tampered; 3 empty; 2 not a\n"
        "decision log, or an anchor or checkpoint that cannot be checked."
    ),
)
@_DB
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="SEQ=DIGEST",
    help=N_("A digest published outside the log (e.g. yesterday's head) that must still be there."),
)
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("A file of signed checkpoints (JSON lines) kept outside the log; every one is checked."),
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=N_("The Ed25519 public key (PEM) the checkpoints were signed with."),
)
def log_verify(
    db: str, anchors: tuple[str, ...], checkpoint_files: tuple[Path, ...], public_key: Path | None
) -> None:
    """Check the hash chain; name the first edited, missing, inserted, moved or cut-off record.

    Opens the log read-only and writes nothing. Exit 0 intact; 1 tampered; 3 empty; 2 not a
    decision log, or an anchor or checkpoint that cannot be checked.
    """
    with reported(2):
        pinned = _anchors(anchors)
        checkpoints = [cp for path in checkpoint_files for cp in Checkpoint.read_file(path)]
        if checkpoints and public_key is None:
            raise click.BadParameter(_("--checkpoint needs --public-key"), param_hint="--public-key")
        key = load_public_key(public_key.read_bytes()) if public_key is not None else None
        with DecisionLog(db, read_only=True) as log:
            result = log.verify(pinned, checkpoints=checkpoints, public_key=key)
    outside = (
        _(", {checked} anchor(s)/checkpoint(s) hold").format(checked=result.checked) if result.checked else ""
    )
    if result.ok:
        click.echo(
            _("ok: {count} record(s), head {head}").format(count=result.count, head=result.head) + outside
        )
        return
    if result.empty:
        click.echo(_("EMPTY: the log holds no records (nothing is proven; an emptied log looks the same)"))
        sys.exit(3)
    code = result.problem.code if result.problem else "?"
    click.echo(_("TAMPERED: {problem} [{code}]").format(problem=result.problem, code=code))
    click.echo(_("{count} record(s) before it are intact").format(count=result.count), err=True)
    sys.exit(1)


@log_group.command(
    "backup",
    epilog=_DB_HELP,
    help=N_(
        "Copy the log to a new SQLite file while writers go on (SQLite's backup API).\n\n"
        "Copying the .db file alone can lose acknowledged records still in its -wal file."
    ),
)
@_DB
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def log_backup(db: str, destination: Path) -> None:
    """Copy the log to a new SQLite file while writers go on (SQLite's backup API).

    Copying the .db file alone can lose acknowledged records still in its -wal file.
    """
    with reported(2), DecisionLog(db, read_only=True) as log:
        copied = log.backup(destination)
    click.echo(
        _("backed up {count} record(s) to {destination}").format(count=copied, destination=destination)
    )


@log_group.command(
    "keygen",
    help=N_("Make an Ed25519 key pair for signing checkpoints (keep the private key off the log's host)."),
)
@click.option("--private", "private_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public", "public_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def log_keygen(private_path: Path, public_path: Path) -> None:
    """Make an Ed25519 key pair for signing checkpoints (keep the private key off the log's host)."""
    with reported(2):
        for path in (private_path, public_path):
            if path.exists():
                raise LogError(
                    _("{path} exists: keys are never overwritten").format(path=path), "log.key_exists"
                )
        private, public = generate_keypair()
        private_path.touch(mode=0o600)
        private_path.write_bytes(private_pem(private))
        public_path.write_bytes(public_pem(public))
    click.echo(
        _("private key {private}, public key {public} ({key})").format(
            private=private_path, public=public_path, key=key_id(public)
        )
    )


@log_group.command(
    "checkpoint",
    epilog=_DB_HELP,
    help=N_("Sign the log's head; store the line somewhere the log's writers cannot change."),
)
@_DB
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("The Ed25519 private key (PEM)."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Append the checkpoint to this file (JSON lines) instead of printing it."),
)
def log_checkpoint(db: str, key_path: Path, output: Path | None) -> None:
    """Sign the log's head; store the line somewhere the log's writers cannot change."""
    with reported(2):
        private = load_private_key(key_path.read_bytes())
        with DecisionLog(db, read_only=True) as log:
            cp = log.checkpoint(private)
    if output is None:
        click.echo(cp.to_json())
        return
    with output.open("a", encoding="utf-8") as f:
        f.write(cp.to_json() + "\n")
    click.echo(
        _("checkpoint of record {seq} ({digest}) appended to {output}").format(
            seq=cp.seq, digest=cp.digest, output=output
        ),
        err=True,
    )


@main.command(
    "audit",
    help=N_("Re-decide past decisions (JSON Lines) and report agreements, disagreements, invalid records."),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pack", "pack_id", default=None, help=N_("Pack id for records that name none."))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write a self-contained HTML report here."),
)
@click.option("--jobs", default=1, show_default=True, help=N_("Worker processes deciding in parallel."))
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
        with click.progressbar(length=len(lines), label=_("auditing"), file=sys.stderr) as bar:
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
        click.echo(_("report written to {path}").format(path=report_path), err=True)
    sys.exit(0 if report.ok else 1)
