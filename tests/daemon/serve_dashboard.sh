#!/bin/sh
# SPDX-License-Identifier: MIT
# The live dashboard of `mlcost serve` in headless Chromium: events of 3 models
# over 20 days (explicit cost_usd) are posted, the page GET /#token=... is
# loaded, and its DOM is checked (tests/daemon/serve_dashboard_dom.py): each
# chart with the marks counted from the events, the tables equal to
# GET /v1/costs and /v1/budgets, no console error, the script's refreshes
# (dashboard_refresh_s: 1, a virtual-time budget of several seconds). Then more
# events: the fragment endpoint shows them, and so does the page. Also: the
# page without a token holds no data, the fragment needs scope read, a
# team-limited token sees its teams only; the HTML answers carry a strict
# Content-Security-Policy whose script hash is the page's script (no console
# error proves it lets the page work), every answer nosniff, and /metrics
# counts the page and the fragment under their own routes. Exit 77 without
# chromium.
# MLC_DASHBOARD_SHOT=FILE keeps a screenshot (docs/img/dashboard.png is made so).
# usage: serve_dashboard.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome) ||
  { echo "skip: no chromium"; exit 77; }
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"
DOM=$SRC/tests/daemon/serve_dashboard_dom.py

chrome() {
  prof=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --user-data-dir="$prof" --enable-logging=stderr --v=0 \
    --hide-scrollbars "$@"
}

# page NAME URL: the DOM after 6 s of virtual time (the page refreshes every second)
page() {
  chrome --virtual-time-budget=6000 --dump-dom "$2" >"$TMP/$1.dom" 2>"$TMP/$1.log" ||
    fail "$1: chromium could not load the page"
  if grep -E "CONSOLE|Uncaught|net::ERR_|Refused to|Failed to load" "$TMP/$1.log"; then
    fail "$1: the browser console has errors"
  fi
}

cat >"$TMP/budgets.yaml" <<'B'
budgets:
  - {name: m1-month, filter: {model: m1}, amount: 60, period: month, alerts: [50, 80, 100]}
B
cat >"$TMP/serve.yaml" <<Y
listen: 127.0.0.1:0
threads: 4
budgets: budgets.yaml
store: store.db
wal_dir: wal
dashboard_refresh_s: 1
tokens:
  - {name: admin, sha256: $(token_hash admin-secret), scopes: [admin]}
  - {name: reader, sha256: $(token_hash reader-secret), scopes: [read]}
  - {name: ingest, sha256: $(token_hash ingest-secret), scopes: [ingest]}
  - {name: search, sha256: $(token_hash search-secret), scopes: [read], teams: [search]}
Y
start_server "$TMP/serve.yaml"
python3 "$DOM" events "$TMP" || fail "could not make the events"
expect 200 POST /v1/events ingest-secret --data-binary @"$TMP/events.json"
N=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/events.json")
[ "$(jget 'j["accepted"]')" = "$N" ] || fail "accepted: $(cat "$TMP/body")"
eval "$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]));
print("FROM=%s TO=%s TODAY=%s" % (e["from"], e["to"], e["today"]))' "$TMP/expect.json")"

# the page itself needs no token and holds no data; the fragment needs scope read
expect 200 GET / ""
grep -q 'text/html' "$TMP/headers" || fail "GET /: not HTML"
grep -q 'chart-metered' "$TMP/body" && fail "GET / without a token shows data"
grep -q '<script>' "$TMP/body" || fail "GET /: no script"
grep -Eq 'src=|href="http|<link' "$TMP/body" && fail "GET /: an external asset"
# a strict CSP on the HTML answers: its script-src names the SHA-256 of the page's one inline
# script (computed here from the body), and nothing else may load; nosniff on every answer
python3 - "$TMP/headers" "$TMP/body" <<'P' || fail "GET /: Content-Security-Policy"
import base64, hashlib, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
page = open(sys.argv[2], encoding="utf-8").read()
csp = re.findall(r"(?im)^content-security-policy: (.*?)\r?$", h)
scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
assert len(csp) == 1 and len(scripts) == 1, (csp, len(scripts))
want = "'sha256-%s'" % base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
d = dict((p.split(" ", 1) + [""])[:2] for p in (x.strip() for x in csp[0].split(";")))
assert d == {"default-src": "'none'", "style-src": "'unsafe-inline'", "img-src": "data:",
             "script-src": want, "connect-src": "'self'", "base-uri": "'none'",
             "form-action": "'none'", "frame-ancestors": "'none'"}, (d, want)
assert re.search(r"(?im)^x-content-type-options: nosniff\r?$", h), "no nosniff"
P
expect 401 GET /v1/dashboard/fragment ""
grep -qi '^x-content-type-options: nosniff' "$TMP/headers" || fail "a 401: no nosniff"
grep -qi '^content-security-policy' "$TMP/headers" && fail "a JSON answer has the page's CSP"
expect 403 GET /v1/dashboard/fragment ingest-secret
expect 200 GET /v1/dashboard/fragment search-secret
grep -qi '^content-security-policy: default-src' "$TMP/headers" || fail "the fragment: no CSP"
grep -q '>m2<' "$TMP/body" && fail "a team-limited token sees team ads' model m2"
grep -q '>m1<' "$TMP/body" || fail "the search token does not see m1"

expect 200 GET "/v1/costs?group_by=model,day&from=$FROM&to=$TO" reader-secret
cp "$TMP/body" "$TMP/costs.json"
expect 200 GET "/v1/costs?group_by=model&from=$FROM&to=$TO" reader-secret
cp "$TMP/body" "$TMP/models.json"
expect 200 GET /v1/budgets reader-secret
cp "$TMP/body" "$TMP/budgets.json"

page first "$URL/#token=reader-secret"
python3 "$DOM" check "$TMP/first.dom" "$TMP" 2 || fail "the dashboard's DOM"
grep -q 'reader-secret' "$TMP/log" && fail "the token is in the server's log"

chrome --virtual-time-budget=4000 --screenshot="$TMP/dashboard.png" --window-size=1280,3000 \
  "$URL/#token=reader-secret" >/dev/null 2>&1 || fail "no screenshot"
[ "$(wc -c <"$TMP/dashboard.png")" -gt 20000 ] || fail "the screenshot is blank"
[ -n "${MLC_DASHBOARD_SHOT:-}" ] && cp "$TMP/dashboard.png" "$MLC_DASHBOARD_SHOT"

# more events today: the fragment shows them, and so does the page
printf '[{"id":"late-1","time":"%sT00:00:00Z","model":"m4","team":"ads","cost_usd":"7.5","requests":30}]' \
  "$TODAY" >"$TMP/late.json"
expect 200 POST /v1/events ingest-secret --data-binary @"$TMP/late.json"
expect 200 GET /v1/dashboard/fragment reader-secret
grep -q '>m4<' "$TMP/body" || fail "the fragment does not show the new model m4"
python3 - "$TMP/expect.json" <<'P' || fail "expectations"
import json, sys
e = json.load(open(sys.argv[1])); e["bars"] += 1; e["points"] += 1
e["cost"]["m4 " + e["today"]] = "7.5"
json.dump(e, open(sys.argv[1], "w"))
P
expect 200 GET "/v1/costs?group_by=model,day&from=$FROM&to=$TO" reader-secret
cp "$TMP/body" "$TMP/costs.json"
expect 200 GET "/v1/costs?group_by=model&from=$FROM&to=$TO" reader-secret
cp "$TMP/body" "$TMP/models.json"
page second "$URL/#token=reader-secret"
python3 "$DOM" check "$TMP/second.dom" "$TMP" 2 || fail "the dashboard's DOM after more events"

# the page and its refreshes are counted under routes of their own, not "other": the
# headless loads above made at least 2 pages and 2 refreshes each, all 200
expect 200 GET /metrics reader-secret
python3 - "$TMP/body" <<'P' || fail "the dashboard's routes in /metrics: $(grep route= "$TMP/body")"
import re, sys
m = open(sys.argv[1]).read()
def n(route, code):
    x = re.search(r'^mlcost_http_requests_total\{route="%s",code="%s"\} (\d+)$' % (route, code), m, re.M)
    return int(x.group(1)) if x else 0
assert n("/", 200) >= 3, n("/", 200)  # curl's, and the two headless pages
assert n("/v1/dashboard/fragment", 200) >= 6, n("/v1/dashboard/fragment", 200)
assert n("/v1/dashboard/fragment", 401) == 1 and n("/v1/dashboard/fragment", 403) == 1
assert not re.search(r'route="other"', m), "something was counted as other"
P

stop_server
[ "$STOP_STATUS" = 0 ] || fail "the server exited $STOP_STATUS"
echo "ok"
