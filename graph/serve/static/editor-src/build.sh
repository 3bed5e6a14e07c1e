#!/bin/sh
# Rebuild ../editor.js (the query page's editor) from the pinned packages in package-lock.json.
# Run once after changing editor.mjs or the versions: the result is committed and shipped in the
# wheel, so neither users nor CI need npm, and the page loads nothing from a CDN.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild editor.mjs --bundle --minify --format=iife --global-name=KgEditor \
  --legal-comments=none --target=es2020 --outfile=../editor.js
if grep -qi '</script' ../editor.js; then echo "editor.js holds </script; it cannot be inlined" >&2; exit 1; fi
# The licences of everything bundled, shipped next to it.
{
  echo "editor.js bundles the following packages (from npm, versions pinned in editor-src/package-lock.json)."
  for package in node_modules/@codemirror/* node_modules/@lezer/* node_modules/style-mod node_modules/w3c-keyname node_modules/crelt node_modules/@marijn/*; do
    [ -d "$package" ] || continue
    name=$(node -p "require('./$package/package.json').name + '@' + require('./$package/package.json').version")
    echo; echo "=== $name"; cat "$package"/LICENSE* 2>/dev/null || node -p "require('./$package/package.json').license"
  done
} > ../editor.LICENSE.txt
