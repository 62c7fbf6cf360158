"""The demo company's letterhead and its generated red seal (P4.2.1)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from .seal import generated_seal_svg

COMPANY = {"name": "江苏恒远精密机械制造有限公司",
           "name_en": "Jiangsu Hengyuan Precision Machinery Co., Ltd.",
           "address": "江苏省苏州市工业园区星湖街328号", "phone": "0512-6288 0000"}


def create_profile(*, actor) -> None:
    from orderflow.release.services.printing import company_profile_update

    seal = SimpleUploadedFile("seal.svg", generated_seal_svg(COMPANY["name"]),
                              content_type="image/svg+xml")
    company_profile_update(actor=actor, seal_upload=seal, **COMPANY)
