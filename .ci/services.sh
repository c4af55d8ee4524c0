#!/usr/bin/env bash
# Installs or starts what the tests need on a new machine: PostgreSQL running, Debian's
# Chromium for browser tests, Java for the Spark engine test. Safe to run repeatedly.
set -uo pipefail

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "services: installing ${need_apt[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/dev/null 2>&1 \
    || echo "services: apt-get install failed for ${need_apt[*]}" >&2
fi

if command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
    ver=$(ls /etc/postgresql 2>/dev/null | head -n 1)
    [ -n "$ver" ] && pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
  fi
fi
# axe-core (accessibility scans in browser tests) goes to a cache outside the repository.
axe_dir="${CSP_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cspkit/npm}"
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$axe_dir"
  npm install --prefix "$axe_dir" --no-audit --no-fund --silent axe-core@4 >/dev/null 2>&1 \
    || echo "services: npm install axe-core failed" >&2
fi
exit 0
