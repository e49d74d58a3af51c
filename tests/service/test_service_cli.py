"""`legalaid-rules serve` and the configuration file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.service import Role, ServiceConfigError, load_settings
from legalaid_rules.service.settings import token_digest


def test_settings_from_toml_with_relative_paths_and_token_digests(tmp_path: Path) -> None:
    config = tmp_path / "service.toml"
    config.write_text(
        'open_reads = false\nledger = "data/caseload.db"\nmax_batch = 50\n\n'
        f'[[tokens]]\nname = "clerk"\nrole = "intake"\nsha256 = "{token_digest("s3cret")}"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.ledger == tmp_path / "data" / "caseload.db"
    assert (settings.open_reads, settings.max_batch) == (False, 50)
    entry = settings.role_of("s3cret")
    assert entry is not None and entry.role is Role.INTAKE
    assert settings.role_of("S3CRET") is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("open_reads = maybe\n", "not valid TOML"),
        ("colour = 1\n", "`colour`: extra inputs are not permitted"),
        ('[[tokens]]\nname = "x"\nrole = "boss"\nsha256 = "00"\n', "`tokens[0].role`"),
        ("max_body_bytes = 10\n", "`max_body_bytes`"),
    ],
)
def test_bad_configuration_is_named_and_serve_exits_2(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "service.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ServiceConfigError) as caught:
        load_settings(config)
    assert fragment in str(caught.value) and str(config) in str(caught.value)
    result = CliRunner().invoke(main, ["serve", "--config", str(config)])
    assert result.exit_code == 2
    assert fragment in result.output


def test_the_command_line_does_not_import_the_service_until_serve_runs() -> None:
    code = (
        "import sys, legalaid_rules.cli; print(sorted(m for m in ('fastapi', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"


def test_serve_answers_on_loopback_and_stops(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("legalaid-rules")
    env = {k: v for k, v in os.environ.items() if k != "LEGALAID_SERVICE_CONFIG"}
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    try:
        body = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.05)
        assert b'"status":"ok"' in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells the signal
    assert proc.returncode in (0, -15)
    assert b"Finished server process" in err
    assert b'"route":"/healthz"' in err  # the JSON access log, on stderr
