from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kolbridge.core.forms import LockoutAuthenticationForm
from kolbridge.core.mywork import my_work_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    """ "My work": today's and overdue items from every app, by role."""
    return render(request, "core/home.html", {"sections": my_work_for(request.user)})
