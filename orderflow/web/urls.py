from .views import leads, masterdata, notifications, orders, workbench

app_name = "web"
urlpatterns = [
    *workbench.urlpatterns,
    *orders.urlpatterns,
    *leads.urlpatterns,
    *masterdata.urlpatterns,
    *notifications.urlpatterns,
]
