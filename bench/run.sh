#!/bin/sh
# Runs the socket-listing benchmark (see bench/run/doc.go); flags pass
# through, e.g. bench/run.sh -configs 1000:1 -runs 3. Needs root and Go.
set -e
cd "$(dirname "$0")/.."
exec go run ./bench/run "$@"
