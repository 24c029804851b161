"""Audit event names, after DICOM PS3.15 A.5 / IHE ATNA where one fits."""

from enum import StrEnum


class AuditAction(StrEnum):
    USER_AUTHENTICATION = "UserAuthentication"
    SECURITY_ALERT = "SecurityAlert"
    NETWORK_ENTRY = "NetworkEntry"
    INSTANCES_TRANSFERRED = "DICOMInstancesTransferred"
    INSTANCES_ACCESSED = "DICOMInstancesAccessed"
    PATIENT_RECORD = "PatientRecord"
    PROCEDURE_RECORD = "ProcedureRecord"
    QUERY = "Query"
    AUDIT_LOG_USED = "AuditLogUsed"
    APPLICATION_ACTIVITY = "ApplicationActivity"


class Outcome(StrEnum):
    SUCCESS = "SUCCESS"
    MINOR_FAILURE = "MINOR_FAILURE"
    SERIOUS_FAILURE = "SERIOUS_FAILURE"
