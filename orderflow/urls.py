from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from orderflow.api.urls import api
from orderflow.web.views import accounts as account_views
from orderflow.web.views import verify as verify_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *account_views.urlpatterns,
    *verify_views.urlpatterns,   # public: checks a paper copy against the system (P4.2.1)
    path("", include("orderflow.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
