"""Plan-as-code: YAML plan files read into the scheduling engine's model, and their outputs."""

from keel.plan.loader import Plan, Resource, load_plan, loads_plan, plan_from_data, plan_schema

__all__ = ["Plan", "Resource", "load_plan", "loads_plan", "plan_from_data", "plan_schema"]
