# The two commands README.md promises:
#   make run   build and start Parlor (admin on :3000, demo host page on :8080)
#   make test  every check CI runs
# Both install what they need first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
.PHONY: run test setup build lint unit e2e

setup:
	@scripts/setup.sh

run: setup
	@scripts/build.sh release
	@scripts/run.sh

test: setup
	@scripts/test.sh
