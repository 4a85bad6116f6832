#!/usr/bin/env bash
# Copies the pinned front-end packages of package.json into static/vendor/ (pages never use a CDN).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/package.json" "$root/package-lock.json" "$work/"
(cd "$work" && npm ci --silent --no-audit --no-fund)
nm="$work/node_modules"
v="$root/static/vendor"
rm -rf "$v"/{bootstrap,htmx,leaflet,vazirmatn,axe-core}
mkdir -p "$v"/{bootstrap,htmx,leaflet,vazirmatn,axe-core}
cp "$nm/bootstrap/dist/css/bootstrap.rtl.min.css" "$nm/bootstrap/dist/css/bootstrap.min.css" \
   "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$nm/bootstrap/LICENSE" "$v/bootstrap/"
cp "$nm/htmx.org/dist/htmx.min.js" "$nm/htmx.org/LICENSE" "$v/htmx/"
cp -r "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$nm/leaflet/dist/images" "$nm/leaflet/LICENSE" "$v/leaflet/"
cp "$nm/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2" "$nm/vazirmatn/OFL.txt" "$v/vazirmatn/"
cp "$nm/axe-core/axe.min.js" "$nm/axe-core/LICENSE" "$v/axe-core/"
echo "vendored into $v"
