"""boto3 repository layer (never imports textual)."""
