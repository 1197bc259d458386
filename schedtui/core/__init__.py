"""Pure domain layer: models and the schedule-expression engine (no textual, rich or boto3)."""
