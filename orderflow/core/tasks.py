"""Registers the huey task that runs Django tasks, so `run_huey` finds it."""

from .tasks_backend import run_django_task

__all__ = ["run_django_task"]
