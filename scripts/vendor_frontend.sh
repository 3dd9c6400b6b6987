#!/usr/bin/env bash
# Re-vendor GOV.UK Frontend and MoJ Frontend from the npm registry into our static folder.
# Run only when upgrading (versions pinned in frontend/package-lock.json); the result is
# committed so `make run` needs no Node.js and nothing is fetched at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/frontend"
npm ci --silent --no-audit --no-fund
dest="$here/src/iomhub/web/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/govuk" "$dest/moj" "$dest/assets"
g=node_modules/govuk-frontend/dist/govuk
m=node_modules/@ministryofjustice/frontend/moj
cp -r "$g/assets/." "$dest/assets/"
cp -r "$m/assets/." "$dest/assets/"
# The CSS asks for fonts and images at /assets/...; point it at our copy, relative to the CSS,
# so it works under any STATIC_URL and with hashed (manifest) storage. Drop source-map links.
for pair in "$g/govuk-frontend.min.css:govuk" "$m/moj-frontend.min.css:moj"; do
  src=${pair%%:*}; out="$dest/${pair##*:}/$(basename "$src")"
  sed -e 's#url(/assets/#url(../assets/#g' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$src" > "$out"
done
sed -e 's#//\# sourceMappingURL=.*##' "$g/govuk-frontend.min.js" > "$dest/govuk/govuk-frontend.min.js"
sed -e 's#//\# sourceMappingURL=.*##' "$m/moj-frontend.min.js" > "$dest/moj/moj-frontend.min.js"
echo "vendored govuk-frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") and moj-frontend $(node -p "require('./node_modules/@ministryofjustice/frontend/package.json').version")"
