from __future__ import annotations

from django.urls import path

import cspkit.tracker.converters  # noqa: F401 - registers <id:…>
from cspkit.tracker.views import history, plan, registers

app_name = "tracker"

urlpatterns = [
    path("", plan.home, name="home"),
    path("plans/<id:pk>/", plan.plan_view, name="plan"),
    path("themes/<id:pk>/", plan.theme_view, name="theme"),
    path("themes/<id:pk>/measure/", plan.theme_measure_view, name="theme_measure"),
    path("themes/<id:pk>/actions/new/", plan.action_create_view, name="action_create"),
    path("actions/<id:pk>/", plan.action_view, name="action"),
    path("actions/<id:pk>/edit/", plan.action_edit_view, name="action_edit"),
    path("actions/<id:pk>/measure/", plan.action_measure_view, name="action_measure"),
    path("actions/<id:pk>/history/", plan.action_history_view, name="action_history"),
    path("my-actions/", plan.my_actions_view, name="my_actions"),
    path("recommendations/", registers.recommendation_list_view, name="recommendations"),
    path(
        "recommendations/new/", registers.recommendation_create_view, name="recommendation_create"
    ),
    path("recommendations/<id:pk>/", registers.recommendation_view, name="recommendation"),
    path(
        "recommendations/<id:pk>/carry-forward/",
        registers.recommendation_carry_forward_view,
        name="recommendation_carry_forward",
    ),
    path(
        "recommendations/<id:pk>/make-action/",
        registers.recommendation_to_action_view,
        name="recommendation_to_action",
    ),
    path("data-requirements/", registers.data_requirement_list_view, name="data_requirements"),
    path(
        "data-requirements/new/",
        registers.data_requirement_create_view,
        name="data_requirement_create",
    ),
    path(
        "data-requirements/<id:pk>/",
        registers.data_requirement_view,
        name="data_requirement",
    ),
    path(
        "recommendations/<id:pk>/history/",
        registers.register_entry_history_view,
        {"kind": "recommendation"},
        name="recommendation_history",
    ),
    path(
        "data-requirements/<id:pk>/history/",
        registers.register_entry_history_view,
        {"kind": "data_requirement"},
        name="data_requirement_history",
    ),
    path("watch-list/", registers.watch_list_view, name="watch_list"),
    path("history/", history.history_view, name="history"),
]
