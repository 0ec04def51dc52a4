from django.urls import path

from keel.web.views import auth, home

app_name = "keel-web"

urlpatterns = [
    path("login/", auth.KeelLoginView.as_view(), name="login"),
    path("logout/", auth.KeelLogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
]
