#!/usr/bin/env bash
# Installs the Debian packages the tests use to check what Excel and Word users see:
# LibreOffice (recalculation, PDF), the metric-compatible Carlito/Caladea fonts, pdftoppm,
# Node.js for the Office.js glue's tests, ICU's headers for building PyICU (pip), and Chromium
# for the Dyfuzor's browser tests.
# Without root or apt it only says what is missing; tests needing it skip unless CI is set.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui libreoffice-writer-nogui)
# LibreOffice's Python bridge: updates the strategy's table of contents before PDF export.
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v node >/dev/null 2>&1 || need+=(nodejs)  # runs the Office.js glue in tests
# The guide's reverse proxy, tested with TLS in front of the add-in server.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Headless Chromium and its driver: the Dyfuzor's pages tested in a real browser (Selenium).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ -e /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || need+=(fonts-crosextra-carlito fonts-crosextra-caladea)
# PyICU (Polish collation of names) builds against the system ICU: headers and pkg-config.
pkg-config --exists icu-i18n 2>/dev/null || need+=(libicu-dev pkg-config)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Brak pakietów systemowych: ${need[*]} (zainstaluj je, np. sudo apt-get install ${need[*]})." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
