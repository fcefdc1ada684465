#!/bin/bash
# Installs what this project needs and a fresh Debian machine may lack. Idempotent, and does
# nothing (needs no network) once everything is present.
#   install-deps.sh run    what ./run.sh needs: the .NET SDK, a native toolchain for Native AOT, curl, python3
#   install-deps.sh test   plus what the tests need: Go, a JDK, Node.js and npm, and CRIU for
#                          snapshot tests (install-criu.sh; skipped tests say why when it fails)
set -euo pipefail

need=()
have() { command -v "$1" > /dev/null 2>&1; }

if ! have dotnet; then
  echo "The .NET 10 SDK is required (https://dot.net); it is not installed on this machine." >&2
  exit 1
fi
have clang || have gcc || need+=(clang)
# Native AOT links against zlib.
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
have curl || need+=(curl)
have python3 || need+=(python3)
have setsid || need+=(util-linux)
if [ "${1:-run}" = test ]; then
  have go || need+=(golang-go)
  have java || need+=(default-jdk-headless)
  have node || need+=(nodejs)
  have npm || need+=(npm)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

if [ "${1:-run}" = test ]; then
  # CRIU is optional: without it snapshot tests are skipped with the reason.
  "$(dirname "${BASH_SOURCE[0]}")/install-criu.sh" > /dev/null || echo "CRIU set-up failed; snapshot tests will be skipped" >&2
fi
