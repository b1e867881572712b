"""Browser tests: JupyterLab and Voilà driven by Chromium through Playwright (see conftest.py)."""
