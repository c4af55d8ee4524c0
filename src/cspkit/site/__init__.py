"""The Django project that runs the plan tracker (``cspkit.tracker``)."""
