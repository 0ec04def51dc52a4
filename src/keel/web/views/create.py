"""Create a project: key, name, portfolio, program, template, start date and goals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.access import Permission
from keel.apps.projects.models import Methodology, Portfolio, Program
from keel.apps.projects.permitted import permitted_portfolios_q
from keel.apps.projects.selectors import portfolio_list_for_user
from keel.apps.projects.services import project_create
from keel.web.views._common import attempt

__all__ = ["ProjectCreateForm", "creatable_portfolios", "project_new"]


def creatable_portfolios(user: Any) -> list[Portfolio]:
    """The portfolios in which ``user`` may create projects (one query, however many)."""
    return list(
        portfolio_list_for_user(user)
        .filter(permitted_portfolios_q(user, Permission.PROJECT_CREATE))
        .distinct()
        .order_by("name")
    )


class ProjectCreateForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=10,
        help_text=_("2 to 10 capital letters or digits, starting with a letter, e.g. ERP."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    portfolio = forms.ModelChoiceField(label=_("Portfolio"), queryset=Portfolio.objects.none())
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), required=False
    )
    template = forms.ChoiceField(label=_("Template"), choices=Methodology.choices)
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, portfolios: list[Portfolio], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in portfolios]
        self.fields["portfolio"].queryset = Portfolio.objects.filter(pk__in=ids).order_by("name")  # type: ignore[attr-defined]
        self.fields["program"].queryset = Program.objects.filter(portfolio_id__in=ids).order_by(  # type: ignore[attr-defined]
            "name"
        )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    portfolios = creatable_portfolios(request.user)
    form = ProjectCreateForm(request.POST or None, portfolios=portfolios)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields: dict[str, Any] = {"goals": data["goals"]}
        if data["start_date"]:
            fields["start_date"] = data["start_date"]
        outcome = attempt(
            lambda: project_create(
                actor=request.user,  # type: ignore[arg-type]
                key=data["key"],
                name=data["name"],
                portfolio=data["portfolio"],
                program=data["program"],
                template=data["template"],
                **fields,
            )
        )
        if outcome.ok:
            return redirect("keel-web:project-plan", outcome.result.key)
        form.add_error(None, outcome.error)
    return render(
        request,
        "keel/create/page.html",
        {"form": form, "portfolios": portfolios},
    )
