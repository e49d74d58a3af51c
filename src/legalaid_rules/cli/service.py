"""`serve`: run the HTTP service (decisions, packs, traces, case-load, decision log, the page).

    legalaid-rules serve [--host 127.0.0.1] [--port 8000] [--workers 1] [--config service.toml]

The server and FastAPI are imported only when the command runs, so the rest of the command
line does not pay for them. Exit code 2: a bad configuration, or the ``service``
extra is not installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from legalaid_rules.cli._app import main
from legalaid_rules.i18n import N_, _
from legalaid_rules.service import CONFIG_VARIABLE, ServiceConfigError, load_settings

_APP = "legalaid_rules.service:app"


@main.command("serve", help=N_("Serve the decision API and the web page (open http://127.0.0.1:8000)."))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help=N_("Port to listen on.")
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help=N_("Worker processes.")
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=N_("Service configuration (TOML): stores, tokens, limits. Default: bundled packs, open reads."),
)
def serve_command(host: str, port: int, workers: int, config: Path | None) -> None:
    """Serve the decision API and the web page (open http://127.0.0.1:8000)."""
    try:
        import uvicorn  # the server and FastAPI load only when the service runs
    except ImportError as exc:
        click.echo(
            _("error: the service needs its extra: pip install 'legalaid-rules[service]' ({module})").format(
                module=exc.name
            ),
            err=True,
        )
        sys.exit(2)
    if config is not None:
        try:
            load_settings(config)  # fail here, once, rather than in every worker
        except ServiceConfigError as exc:
            for line in str(exc).splitlines():
                click.echo(_("error: {problem}").format(problem=line), err=True)
            sys.exit(2)
        os.environ[CONFIG_VARIABLE] = str(config.resolve())
    else:
        os.environ.pop(CONFIG_VARIABLE, None)
    click.echo(
        _("legalaid-rules service on http://{host}:{port} ({workers} worker(s))").format(
            host=host, port=port, workers=workers
        ),
        err=True,
    )
    import copy

    from uvicorn.config import LOGGING_CONFIG

    logging_config = copy.deepcopy(LOGGING_CONFIG)
    logging_config["formatters"]["json_lines"] = {"format": "%(message)s"}
    logging_config["handlers"]["json_lines"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_lines",
        "stream": "ext://sys.stderr",
    }
    # the access log and the service's own events: one JSON object per line on stderr
    logging_config["loggers"]["legalaid_rules.service"] = {
        "handlers": ["json_lines"],
        "level": "INFO",
        "propagate": False,
    }
    uvicorn.run(
        _APP,
        log_config=logging_config,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # the service writes its own access log, without client addresses
        log_level="info",
        server_header=False,
    )
