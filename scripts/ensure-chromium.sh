#!/usr/bin/env bash
# Make sure Debian's chromium and chromium-driver are installed for the dashboard's browser tests
# (tests/adapters/dashboard/test_browser.py). Called by `make test`; never needed by `make run`.
# Another process (a developer's screenshot run, unattended upgrades) may hold the apt lock: wait and retry.
set -uo pipefail
have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }
have && exit 0
if [ "${TECHSERV_SKIP_CHROMIUM_SETUP:-}" = 1 ]; then
  echo "ensure-chromium: chromium/chromedriver missing and TECHSERV_SKIP_CHROMIUM_SETUP=1; the browser tests will fail." >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-chromium: chromium is missing; run 'sudo apt-get install chromium chromium-driver' (needs root)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing Debian's chromium and chromium-driver" >&2
for attempt in 1 2 3 4 5 6; do
  # DPkg::Lock::Timeout waits for the dpkg lock; the loop covers the lists lock taken by apt-get update
  if apt-get -o DPkg::Lock::Timeout=120 update -qq && \
     apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null; then
    have && { echo "ensure-chromium: $(chromium --version 2>/dev/null)" >&2; exit 0; }
  fi
  echo "ensure-chromium: apt is busy or failed (attempt $attempt); retrying in 20 s" >&2
  sleep 20
done
echo "ensure-chromium: could not install chromium and chromium-driver; install them with apt-get and rerun make test" >&2
exit 1
