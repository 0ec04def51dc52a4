"""Sign in and sign out."""

from django.contrib.auth import views as auth_views


class KeelLoginView(auth_views.LoginView):
    template_name = "keel/auth/login.html"
    redirect_authenticated_user = True


class KeelLogoutView(auth_views.LogoutView):
    pass
