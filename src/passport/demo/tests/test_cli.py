"""`passport`: the operator's console script."""

from __future__ import annotations

import pytest

from passport.cli import OPERATOR_TASKS, main


def test_passport_with_no_arguments_lists_the_operator_tasks_then_every_command(capsys):
    main(["passport"])
    printed = capsys.readouterr().out
    for task, _ in OPERATOR_TASKS:
        assert f"passport {task}" in printed
    assert printed.index("passport demo") < printed.index("Available subcommands")


@pytest.mark.django_db
def test_passport_runs_management_commands(capsys):
    main(["passport", "check"])
    assert "no issues" in capsys.readouterr().out


def test_every_operator_task_is_a_command_the_script_can_run():
    from django.core.management import get_commands

    commands = get_commands()
    assert [task for task, _ in OPERATOR_TASKS if task not in commands] == []
