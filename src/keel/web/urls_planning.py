"""The Gantt and Board tabs, included by keel.web.urls (names in the keel-web namespace)."""

from django.urls import URLPattern, path

from keel.web.views import board, calendar, gantt

urlpatterns: list[URLPattern] = [
    path("p/<str:key>/gantt/", gantt.gantt, name="project-gantt"),
    path("p/<str:key>/board/", board.board, name="project-board"),
    path("p/<str:key>/board/move/", board.board_move, name="board-move"),
    path("p/<str:key>/calendar/", calendar.project_calendar, name="project-calendar"),
]
