"""KPI readings: validation, identity resolution, quarantine and bulk merges."""
