from django.urls import include, path

from keel.web.views import auth, home, language, portfolio, project

app_name = "keel-web"

urlpatterns = [
    path("login/", auth.KeelLoginView.as_view(), name="login"),
    path("logout/", auth.KeelLogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("language/", language.language_set, name="language-set"),
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("p/<str:key>/", project.overview, name="project-overview"),
    # Each area keeps its own URL module; all names live in the keel-web namespace.
    path("", include("keel.web.urls_workspace")),
    path("", include("keel.web.urls_planning")),
    path("", include("keel.apps.resources.urls")),
    path("", include("keel.apps.finance.urls")),
    path("", include("keel.apps.risk.urls")),
    path("", include("keel.apps.interchange.urls")),
]
