# The two commands of the README. Everything else lives in scripts/.
.PHONY: serve test

## Build the app and serve it on http://127.0.0.1:8080 (installs what is missing first).
serve:
	@scripts/setup.sh serve
	@echo "Scaleboard: building, then serving on http://127.0.0.1:8080 — open it once 'server listening' appears. Ctrl+C stops."
	trunk serve --release

## Run every check: fmt, clippy, unit tests, release build, browser end-to-end tests.
test:
	@scripts/test.sh
