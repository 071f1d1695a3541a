"""Score snapshots, dashboards and exports live here (see the scores issue)."""
