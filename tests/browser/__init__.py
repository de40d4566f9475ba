"""End-to-end tests of the web page in a real headless Chromium (issue 16); a package, so its conftest does not
shadow tests/conftest.py (both would be the module `conftest` otherwise)."""
