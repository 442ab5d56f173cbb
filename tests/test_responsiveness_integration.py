"""The caller answers what was said, on the real embedded model (slow tier): a few of the
responsiveness probes, judged by their own patterns, with a loose threshold (one line each)."""

import pytest

from trainer.config import load_settings
from trainer.models import chat_model
from trainer.personas import find_persona
from trainer.responsiveness import default_probes, load_probes, run_probe, share

pytestmark = pytest.mark.integration

PROBES = ("dana-order-number", "marcus-address", "tom-put-on-hold", "gary-small-credit")


def test_caller_reacts_to_what_was_said(local_model_settings: None) -> None:
    settings = load_settings().settings
    model = chat_model("caller", settings, seed=0)
    probes = [p for p in load_probes(default_probes()) if p.id in PROBES]
    results = [run_probe(p, find_persona(p.persona, settings.persona_dirs()), model)
               for p in probes]
    report = "\n".join(f"{r.reacted} {r.probe.id}: {r.line}" for r in results)
    assert share(results) >= 0.5, report
