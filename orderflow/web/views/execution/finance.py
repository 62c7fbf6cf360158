"""Finance pages of the work-package page (P5). Every write goes through
orderflow.execution.services.finance."""

urlpatterns = []
