"""Audit traces: replayable decision records, the tamper-evident decision log, masking, audit."""
