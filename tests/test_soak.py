"""A 2-minute soak of the real listening loop (the 30-minute report is docs/soak.md)."""

from __future__ import annotations

from benchmarks.soak import RSS_GROWTH_LIMIT_MB, soak


def test_two_minutes_of_conversation_every_turn_answered_no_leak() -> None:
    result = soak(minutes=2.0)
    assert result.exit_code == 0  # ended by the final goodbye, not killed
    assert result.errors == []  # no traceback or warning on stderr
    assert result.unanswered == 0
    assert result.heard >= 0.9 * result.spoken
    assert result.rss_growth_mb < RSS_GROWTH_LIMIT_MB
