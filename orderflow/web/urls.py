from .views import (
    approval,
    config,
    delegations,
    execution,
    inbox,
    leads,
    masterdata,
    notifications,
    orders,
    release,
    review,
    suppliers,
    workbench,
)

app_name = "web"
urlpatterns = [
    *workbench.urlpatterns,
    *inbox.urlpatterns,
    *orders.urlpatterns,
    *review.urlpatterns,
    *release.urlpatterns,
    *execution.urlpatterns,
    *approval.urlpatterns,
    *leads.urlpatterns,
    *masterdata.urlpatterns,
    *suppliers.urlpatterns,
    *notifications.urlpatterns,
    *delegations.urlpatterns,
    *config.urlpatterns,
]
