"""Evaluations: the review workflow around a scorecard, frozen snapshots, overrides, outbox."""
