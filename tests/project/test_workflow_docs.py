"""docs/workflow.md is generated from applications/lifecycle.py, applications/stages.py and the seeds; it must be current."""

from django.core.management import call_command


def test_workflow_docs_are_current():
    call_command("workflow_docs", "--check")
