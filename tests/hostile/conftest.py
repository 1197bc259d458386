"""The doctor repository's moto fixtures, shared with the hostile tests."""

from tests.aws.test_doctor_repo import account, clients, doctor, operations  # noqa: F401
