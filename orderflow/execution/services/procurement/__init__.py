"""Procurement execution (P5.2): purchase contracts with suppliers (P5.2.1, contracts),
supplier deliveries and the communication log (P5.2.2) and incoming inspection with
returns or exchanges (P5.2.3, goods), the late-delivery sweep and the package's
completion guard (sweep).

Every write: validate, lock the order then the procurement package (common.lock_package),
check who, lock the contract, check its state (domain.procurement.CONTRACT_ACTIONS),
write, audit. Only the members of the order's procurement package (or a deputy of one)
write here; incoming inspection may also be recorded by any Quality member (P5.2.3).
"""

from ._common import DEPT
from .contracts import (
    purchase_contract_cancel,
    purchase_contract_close,
    purchase_contract_create,
    purchase_contract_sign,
)
from .goods import (
    incoming_inspection_record,
    supplier_communication_log,
    supplier_delivery_record,
    supplier_return_close,
    supplier_return_open,
)
from .sweep import completion_blockers, procurement_late_sweep

__all__ = [
    "DEPT", "completion_blockers", "incoming_inspection_record", "procurement_late_sweep",
    "purchase_contract_cancel", "purchase_contract_close", "purchase_contract_create",
    "purchase_contract_sign", "supplier_communication_log", "supplier_delivery_record",
    "supplier_return_close", "supplier_return_open",
]
