from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from ntip.api_docs import ApiDocsView
from plans import languages as plan_languages
from plans import views as plan_views

admin.site.site_header = _("NTIP administration")
admin.site.site_title = _("NTIP")
admin.site.index_title = _("Plans, structure, organisations and users")

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch must work on the login page too.
    # Signed in, the choice is also stored on the user (plans/languages.py).
    path("i18n/setlang/", plan_languages.language_set, name="set_language"),
    path("healthz", plan_views.healthz, name="healthz"),
    path("plans/", include("indicators.plan_page.urls")),
    path("plans/", include("indicators.targets.urls")),
    path("reports/", include("indicators.quarterly_report.urls")),
    # Values files filled in offline, historical figures, import jobs (docs/imports.md).
    path("imports/", include("indicators.imports.urls")),
    path("review/", include("indicators.review.urls")),
    path("dashboards/", include("reports.dashboards.urls")),
    # Exports asked for from the dashboards' menus, and "My exports" (docs/exports.md).
    path("exports/", include("reports.exports.urls")),
    # The public summary of a plan marked public: no login.
    path("public/", include("reports.dashboards.public_urls")),
    path("api/v1/", include("ntip.api_urls")),
    # The API's OpenAPI 3 schema and its Swagger UI (ntip/api_docs.py): open, they hold no data.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("api/docs/", login_not_required(ApiDocsView.as_view(url_name="schema")), name="api-docs"),
    # The secretariat's audit trail (plans/audit/, docs/audit.md).
    path("audit/", include("plans.audit.urls")),
    path("admin/", admin.site.urls),
]

# Every refusal (PermissionDenied) is recorded in the audit trail, then
# rendered with templates/403.html as Django would.
handler403 = "plans.audit.views.access_denied"
# The database unavailable (restarting): 503 with templates/503.html or JSON;
# anything else: templates/500.html (ntip/middleware.py).
handler500 = "ntip.middleware.server_error"
