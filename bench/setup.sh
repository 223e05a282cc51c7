#!/usr/bin/env bash
# Installs the benchmark peers from Debian: SciPy (for `npm run bench -- leontief`) and CLP.
# Idempotent: skips apt entirely when both are already present.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import scipy' >/dev/null 2>&1 || need+=(python3-scipy)
command -v clp >/dev/null 2>&1 || need+=(coinor-clp)
if [ ${#need[@]} -eq 0 ]; then
  echo "bench/setup.sh: python3-scipy and coinor-clp already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${need[@]}"
/usr/bin/python3 -c 'import scipy; print("bench/setup.sh: scipy", scipy.__version__, "at /usr/bin/python3")'
