"""The fuzzing campaign's seeded sample, run by every `make test`: a batch of mutated PDFs and
text exports beside the sample, through the command line as the Makefile runs it, and every
property of the campaign must hold — no traceback, no hang, no crash, every input exported or
named in its ERROR line, the sample's tables unchanged. The full campaign is `make fuzz N=…`
(tests/fuzz/campaign.py; its results in docs/fuzz-results.md)."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.bases import small_bases
from tests.fuzz.campaign import run_campaign, summarize

SEED = "make-test"
INPUTS = 20


def test_a_seeded_sample_of_the_fuzzing_campaign_holds(tmp_path: Path) -> None:
    campaign = run_campaign(SEED, INPUTS, jobs=2, time_limit=30, batch_size=INPUTS,
                            work=tmp_path, bases=small_bases(),
                            exclude=frozenset({"many-pages"}))  # 200+ pages: seconds each
    summary = summarize(campaign)
    assert (summary["crashes"], summary["hangs"]) == (0, 0), summary["crash_details"]
    assert summary["inputs"] == INPUTS
    assert summary["exported"] and summary["rejected"]  # both fates are exercised
