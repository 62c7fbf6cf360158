"""The demo company's order execution (P5): suppliers, and the released orders at every
stage of execution: finished and executed, in production with a late problem and a late
supplier, a failed inspection with an open nonconformance and a partial shipment."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from orderflow.core import clock
from orderflow.execution.services import (
    finance,
    logistics,
    procurement,
    production,
    quality,
    technology,
)
from orderflow.masterdata.services.suppliers import supplier_create
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order, OrderLine
from orderflow.release.models import PackageStatus, WorkPackage
from orderflow.release.services import package_complete, package_start

SUPPLIERS = [
    ("S001", "苏州精工钢材有限公司", "钢材、型材", "周建国", "0512-66881234"),
    ("S002", "无锡恒力轴承有限公司", "轴承、传动件", "钱丽", "0510-82345678"),
    ("S003", "宁波海天液压件厂", "液压件", "孙海", "0574-87651234"),
    ("S004", "上海申江电气有限公司", "电气元件、线缆", "李志", "021-58761234"),
    ("S005", "杭州东方包装材料有限公司", "木箱、防潮包装", "吴敏", "0571-86781234"),
    ("S006", "常州新材涂料有限公司", "涂料", "郑涛", "0519-83211234"),
]
MEMBERS = {"production": "production1", "procurement": "procurement1",
           "quality": "quality1", "technology": "technology1", "logistics": "logistics1",
           "finance": "finance1"}


def create_suppliers(actor) -> list:
    return [supplier_create(actor=actor, code=code, name=name, categories=what,
                            contact_name=contact, phone=phone)
            for code, name, what, contact, phone in SUPPLIERS]


class _Order:
    """One released order worked by the demo departments."""

    def __init__(self, users: dict, order: Order, suppliers: list, n: int):
        self.users, self.order, self.n = users, order, n
        self.m = {dept: users[login] for dept, login in MEMBERS.items()}
        self.supplier = suppliers[n % len(suppliers)]
        self.lines = list(OrderLine.objects.filter(order=order).order_by("position"))
        self.packages = {p.department.code: p for p in
                         WorkPackage.objects.filter(order=order).select_related("department")}
        self.today = clock.today()

    def start_all(self) -> None:
        for dept, package in self.packages.items():
            if package.status == PackageStatus.PLANNED:
                package_start(package_id=package.pk, actor=self.m[dept])

    def plan(self, *, percent: int) -> list:
        tasks = []
        for line in self.lines:
            task = production.production_task_add(
                order_id=self.order.pk, actor=self.m["production"],
                name=f"{line.description or line.product.name} 加工装配",
                starts_on=self.today - dt.timedelta(days=5),
                ends_on=self.today + dt.timedelta(days=10), team="一车间 装配二组",
                equipment="数控车床 CK6150", materials="钢材 Q235，轴承 6205",
                qc_requirements="首件检验，每 50 件抽检 1 件", order_line_id=line.pk,
                planned_quantity=line.quantity)
            if percent:
                production.progress_report_add(
                    task_id=task.pk, actor=self.m["production"], reported_on=self.today,
                    quantity_done=(line.quantity * percent / 100).quantize(Decimal("0.001")),
                    percent_done=percent, note="按计划进行")
            tasks.append(task)
        return tasks

    def purchase(self, *, late: bool = False, receive: bool = True):
        contract = procurement.purchase_contract_create(
            order_id=self.order.pk, actor=self.m["procurement"], supplier_id=self.supplier.pk,
            contract_date=self.today - dt.timedelta(days=12),
            delivery_date=self.today - dt.timedelta(days=2 if late else -5),
            lines=[{"description": "钢材 Q235", "specification": "δ=10mm", "quantity": "5",
                    "unit": "吨", "unit_price": "4200"},
                   {"description": "深沟球轴承", "specification": "6205-2RS",
                    "quantity": "200", "unit": "个", "unit_price": "12.50"}],
            note="含税价，货到验收后 30 天付款")
        procurement.purchase_contract_sign(contract_id=contract.pk, actor=self.m["procurement"])
        if late:
            procurement.supplier_communication_log(
                contract_id=contract.pk, actor=self.m["procurement"], channel="phone",
                topic="delay", occurred_at=clock.now() - dt.timedelta(hours=3),
                summary="供应商称钢材到货推迟", outcome="承诺三日内发货，每日报告进度")
        if receive:
            lines = list(contract.lines.order_by("position"))
            delivery = procurement.supplier_delivery_record(
                contract_id=contract.pk, actor=self.m["procurement"], received_on=self.today,
                lines=[{"contract_line_id": ln.pk, "quantity": ln.quantity} for ln in lines])
            for dl in delivery.lines.all():
                procurement.incoming_inspection_record(
                    delivery_line_id=dl.pk, actor=self.m["quality"], inspected_on=self.today,
                    accepted_quantity=dl.quantity, rejected_quantity=Decimal("0"))
            procurement.purchase_contract_close(contract_id=contract.pk,
                                                actor=self.m["procurement"])
        return contract

    def inspect_all(self) -> None:
        for line in self.lines:
            record = quality.inspection_record_add(
                order_id=self.order.pk, actor=self.m["quality"], order_line_id=line.pk,
                stage="final", inspected_on=self.today, quantity_inspected=line.quantity,
                quantity_passed=line.quantity, quantity_failed=Decimal("0"),
                findings="尺寸、外观、性能均符合要求")
            quality.inspection_report_issue(record_id=record.pk, actor=self.m["quality"],
                                            conclusion="检验合格，准予出厂")

    def ship_all(self, *, deliver: bool = True):
        shipment = logistics.shipment_create(
            order_id=self.order.pk, actor=self.m["logistics"], carrier="顺丰速运",
            tracking_number=f"SF{1300000000 + self.order.pk}", packages_count=2,
            shipped_on=self.today, lines=[{"order_line_id": ln.pk, "quantity": ln.quantity}
                                          for ln in self.lines])
        if deliver:
            logistics.shipment_deliver(shipment_id=shipment.pk, actor=self.m["logistics"],
                                       delivered_on=self.today, received_by="王经理")
        return shipment

    def costs(self) -> None:
        net = self.order.total_net
        for category, share in (("materials", "0.45"), ("labour", "0.15"),
                                ("overhead", "0.08"), ("freight", "0.02")):
            finance.cost_record_add(order_id=self.order.pk, actor=self.m["finance"],
                                    category=category,
                                    amount=(net * Decimal(share)).quantize(Decimal("0.01")),
                                    incurred_on=self.today, description="按实际归集")

    def finish(self) -> None:
        for dept, package in self.packages.items():
            package_complete(package_id=package.pk, actor=self.m[dept])


# What happens to each released order, in turn: 0 executed to the end (so that settlement
# and the archive have orders to work on), 1 a production problem and a late supplier,
# 2 a failed inspection, 3 released but not started.
_STAGES = (0, 1, 0, 2, 0, 3)


def execute_some(users: dict) -> Counter:
    """Work the released orders: half are executed to the end; the others are in
    production, waiting for a late supplier, held by a failed inspection, or not started."""
    suppliers = create_suppliers(users["procurementhead"])
    outcome = Counter()
    released = list(Order.objects.filter(status__in=[State.RELEASED, State.IN_EXECUTION])
                    .order_by("id"))
    for n, order in enumerate(released):
        work = _Order(users, order, suppliers, n)
        stage = _STAGES[n % len(_STAGES)]
        if stage != 3:
            work.start_all()
        if stage == 0:  # finished: every department's records, executed (P5)
            work.plan(percent=100)
            work.purchase()
            work.inspect_all()
            work.ship_all()
            work.costs()
            work.finish()
        elif stage == 1:  # in production, a problem and a late supplier (P5.1.4, P5.2.2)
            tasks = work.plan(percent=40)
            work.purchase(late=True, receive=False)
            problem = production.production_problem_raise(
                order_id=order.pk, actor=work.m["production"], kind="equipment_failure",
                description="数控车床主轴异响，停机检修", owner_id=users["productionhead"].pk,
                due_date=work.today + dt.timedelta(days=2), task_id=tasks[0].pk,
                corrective_action="联系设备厂家上门维修，临时调用二号机床")
            technology.support_request_raise(
                order_id=order.pk, actor=work.m["production"], subject="主轴更换后的工艺参数",
                description="请技术部确认更换主轴后的切削参数", urgency="urgent",
                needed_by=work.today + dt.timedelta(days=1), problem_id=problem.pk)
        elif stage == 2:  # a failed inspection: nonconformance open, partial shipment
            work.plan(percent=100)
            work.purchase()
            first, *rest = work.lines
            failed = quality.inspection_record_add(
                order_id=order.pk, actor=work.m["quality"], order_line_id=first.pk,
                stage="final", inspected_on=work.today, quantity_inspected=first.quantity,
                quantity_passed=Decimal("0"), quantity_failed=first.quantity,
                findings="表面涂层厚度不足")
            quality.nonconformance_issue(record_id=failed.pk, actor=work.m["quality"],
                                         description="涂层厚度低于 60μm 的要求",
                                         quantity=first.quantity)
            for line in rest:
                quality.inspection_record_add(
                    order_id=order.pk, actor=work.m["quality"], order_line_id=line.pk,
                    stage="final", inspected_on=work.today, quantity_inspected=line.quantity,
                    quantity_passed=line.quantity, quantity_failed=Decimal("0"))
            if rest:
                logistics.shipment_create(
                    order_id=order.pk, actor=work.m["logistics"], carrier="德邦物流",
                    packages_count=1, shipped_on=work.today,
                    lines=[{"order_line_id": ln.pk, "quantity": ln.quantity} for ln in rest])
        else:  # just released: Production draws up its plan
            work.plan(percent=0)
        outcome[Order.objects.get(pk=order.pk).status] += 1
    return outcome
