"""End-to-end tests of the built site in headless Chromium (marked ``browser``)."""
