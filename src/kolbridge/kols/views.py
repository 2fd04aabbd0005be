from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def kol_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def kol_create(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def kol_detail(request: HttpRequest, kol_id: int) -> HttpResponse:
    return render(request, "core/home.html")
