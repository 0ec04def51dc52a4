from django.urls import path

from keel.web.views import auth, home, language, portfolio, project

app_name = "keel-web"

urlpatterns = [
    path("login/", auth.KeelLoginView.as_view(), name="login"),
    path("logout/", auth.KeelLogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("language/", language.language_set, name="language-set"),
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("p/<str:key>/", project.overview, name="project-overview"),
]
