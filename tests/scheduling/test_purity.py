import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_scheduling_imports_no_flask_or_sqlalchemy():
    code = (
        "import sys, webapp.scheduling, webapp.scheduling.bench, webapp.scheduling.replan, "
        "webapp.scheduling.explain, webapp.scheduling.greedy\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
