from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from plans import views as plan_views

admin.site.site_header = _("NTIP administration")
admin.site.site_title = _("NTIP")
admin.site.index_title = _("Plans, structure, organisations and users")

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", plan_views.healthz, name="healthz"),
    path("plans/", include("indicators.plan_page.urls")),
    path("plans/", include("indicators.targets.urls")),
    path("reports/", include("indicators.quarterly_report.urls")),
    path("review/", include("indicators.review.urls")),
    path("dashboards/", include("reports.dashboards.urls")),
    # The public summary of a plan marked public: no login.
    path("public/", include("reports.dashboards.public_urls")),
    path("api/v1/", include("ntip.api_urls")),
    # The secretariat's audit trail (plans/audit/, docs/audit.md).
    path("audit/", include("plans.audit.urls")),
    path("admin/", admin.site.urls),
]

# Every refusal (PermissionDenied) is recorded in the audit trail, then
# rendered with templates/403.html as Django would.
handler403 = "plans.audit.views.access_denied"
