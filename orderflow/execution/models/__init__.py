"""Execution records (P5), one module per department."""

from .common import ExecutionSequence, ExecutionSettings
from .finance import CostCategory, CostRecord
from .logistics import Shipment, ShipmentLine, ShipmentStatus
from .procurement import (
    CommunicationChannel,
    CommunicationTopic,
    ContractStatus,
    IncomingInspection,
    PurchaseContract,
    PurchaseContractLine,
    ReturnKind,
    ReturnStatus,
    SupplierCommunication,
    SupplierDelivery,
    SupplierDeliveryLine,
    SupplierReturn,
)
from .production import (
    ProblemKind,
    ProblemStatus,
    ProductionProblem,
    ProductionTask,
    ProgressReport,
    TaskStatus,
)
from .quality import (
    Concession,
    ConcessionStatus,
    InspectionPlanItem,
    InspectionRecord,
    InspectionReport,
    InspectionResult,
    InspectionStage,
    NCStatus,
    NonconformanceNotice,
)
from .technology import SupportRequest, SupportStatus, Urgency

__all__ = [
    "CommunicationChannel", "CommunicationTopic", "Concession", "ConcessionStatus",
    "ContractStatus", "CostCategory", "CostRecord", "ExecutionSequence", "ExecutionSettings",
    "IncomingInspection", "InspectionPlanItem", "InspectionRecord", "InspectionReport",
    "InspectionResult", "InspectionStage", "NCStatus", "NonconformanceNotice", "ProblemKind",
    "ProblemStatus", "ProductionProblem", "ProductionTask", "ProgressReport",
    "PurchaseContract", "PurchaseContractLine", "ReturnKind", "ReturnStatus", "Shipment",
    "ShipmentLine", "ShipmentStatus", "SupplierCommunication", "SupplierDelivery",
    "SupplierDeliveryLine", "SupplierReturn", "SupportRequest", "SupportStatus", "TaskStatus",
    "Urgency",
]
