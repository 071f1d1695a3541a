import subprocess
import sys


def test_the_web_process_knows_the_recompute_task_without_importing_it():
    # A fresh interpreter, as gunicorn starts: only Django is set up.
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ntip.settings'); django.setup();"
        "from ntip.celery import app; from plans.services import RECOMPUTE_TASK;"
        "print(RECOMPUTE_TASK in app.tasks)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "True"
