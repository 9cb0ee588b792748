#!/usr/bin/env bash
# Serves a built warraq site with nginx, using the configuration README gives
# (.ci/nginx/warraq.conf), and fetches what readers and feed readers fetch:
# an Arabic tag page, an image variant, a missing page, the feed.
# Usage: bash .ci/nginx/check.sh PUBLIC_DIR
set -euo pipefail
public=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$prefix/logs" "$prefix/tmp"
# The README's server block, listening on a free local port and serving this public/.
sed -e "s|listen 80;|listen 127.0.0.1:$port;|" -e "s|root /srv/warraq/public;|root $public;|" \
  "$here/warraq.conf" > "$prefix/warraq.conf"
user=""
if [ "$(id -u)" = 0 ]; then user="user root;"; fi
cat > "$prefix/nginx.conf" <<CONF
$user
daemon off;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    include $prefix/warraq.conf;
}
CONF
nginx -t -q -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$prefix"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done

fail() { echo "nginx check failed: $*"; cat "$prefix/logs/error.log" || true; exit 1; }
# fetch PATH EXPECTED_STATUS → headers in $prefix/h, body in $prefix/b
fetch() {
  local code
  code=$(curl -s -D "$prefix/h" -o "$prefix/b" -w '%{http_code}' "$base$1")
  [ "$code" = "$2" ] || fail "GET $1 -> $code, expected $2"
  echo "GET $1 -> $code"
}
header() { grep -i "^$1:" "$prefix/h" | head -1 | tr -d '\r'; }

# An Arabic tag page, linked percent-encoded from the seed article, written as a UTF-8 name.
href=$(grep -o 'href="/tags/%D8%A3%D8%AD%D9%85%D8%AF-%D8%A7%D9%84%D8%B4%D8%B1%D8%B9/"' "$public/2025/isis-defeat-not-the-end/index.html" | head -1 | cut -d'"' -f2)
[ -n "$href" ] || fail "the seed article links no Arabic tag page"
[ -f "$public/tags/أحمد-الشرع/index.html" ] || fail "no UTF-8 file name on disk"
fetch "$href" 200
header content-type | grep -qi 'text/html; charset=utf-8' || fail "tag page type: $(header content-type)"
grep -q 'أحمد الشرع' "$prefix/b" || fail "the tag page does not name its tag"
# Without the final slash: a relative redirect to the folder.
fetch "${href%/}" 301
header location | grep -q "${href}$" || fail "redirect: $(header location)"

# An image variant of the cover: its type and a year of immutable cache.
variant=$(grep -o '/images/cover-[0-9a-f]*-480\.webp' "$public/2025/isis-defeat-not-the-end/index.html" | head -1)
[ -n "$variant" ] || fail "the seed article shows no cover variant"
fetch "$variant" 200
header content-type | grep -qi 'image/webp' || fail "variant type: $(header content-type)"
header cache-control | grep -q 'immutable' || fail "variant cache: $(header cache-control)"
cmp -s "$prefix/b" "$public$variant" || fail "variant bytes differ"

# A missing page: the site's own 404 page, with status 404 (also for a missing image).
fetch "/2025/%D9%84%D8%A7-%D9%8A%D9%88%D8%AC%D8%AF/" 404
grep -q 'الصفحة غير موجودة' "$prefix/b" || fail "404 body is not the site's 404.html"
fetch "/images/nothing-480.webp" 404

# The feed: Atom, UTF-8, the articles in it.
fetch "/feed.xml" 200
header content-type | grep -qi 'application/atom+xml' || fail "feed type: $(header content-type)"
grep -q '<feed xmlns="http://www.w3.org/2005/Atom"' "$prefix/b" || fail "not an Atom feed"
grep -q 'الهزيمة العسكرية ليست النهاية' "$prefix/b" || fail "the feed lacks the seed article"
# Styles: cached a day, revalidated (their names do not change between builds).
fetch "/style.css" 200
header cache-control | grep -q 'max-age=86400' || fail "style cache: $(header cache-control)"
echo "nginx serves the site as README configures it"
