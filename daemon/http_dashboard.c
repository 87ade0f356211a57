/* SPDX-License-Identifier: MIT */
/*
 * http_dashboard.c - the dashboard in a browser. GET / is the page: the
 * report's stylesheet, a status bar, the <main> and a small inline script
 * that fetches GET /v1/dashboard/fragment (scope read) every
 * dashboard_refresh_s seconds and swaps it in without reloading the page.
 *
 * Tokens: a browser cannot send a bearer header on a plain navigation, so
 * the page itself holds no data and needs no token (except on an open
 * server, where it embeds the first fragment). The script takes the token
 * from the URL's fragment (/#token=...: never sent to the server, removed
 * from the address bar and history at once) or from a password field, keeps
 * it in sessionStorage (this tab only) and sends it as Authorization:
 * Bearer on each fetch; no token is ever in a URL the server sees or logs.
 *
 * Both answers carry a strict Content-Security-Policy: nothing is loaded
 * from anywhere, the only script that may run is the page's own (by its
 * SHA-256), and fetch may reach this origin only.
 *
 * What it is not: the data (dashboard.c) or the charts (the report library).
 */
#include "dashboard.h"
#include "serve_error.h"
#include "serve_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char dash_css[] =
    ".dash-bar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px 16px;"
    "align-items:center;justify-content:space-between;padding:7px 28px;font-size:13.5px;"
    "background:var(--card);border-bottom:1px solid var(--line);color:var(--muted)}\n"
    ".dash-bar b{color:var(--fg)}\n"
    "#dash-state.ok::before{content:\"\\25CF  \";color:var(--good)}\n"
    "#dash-state.bad{color:var(--bad);font-weight:600}\n"
    ".dash-bar form{display:flex;gap:6px;margin:0}\n"
    ".dash-bar form[hidden]{display:none}\n"
    ".dash-bar input,.dash-bar button{font:inherit;padding:3px 9px;border-radius:6px;"
    "border:1px solid var(--line);background:var(--bg);color:var(--fg)}\n"
    ".dash-bar button{cursor:pointer;font-weight:600}\n"
    ".signin{margin:40px auto;max-width:640px;color:var(--muted)}\n";

/* The refresh loop. The same text on every page (the period comes from the body's
 * data-refresh-s), so one hash of it, in the CSP, lets it and nothing else run. */
static const char dash_js[] =
    "(function () {\n"
    "'use strict';\n"
    "var body = document.body, every = Number(body.getAttribute('data-refresh-s'));\n"
    "var key = 'mlcost-token', busy = false, waiting = false;\n"
    "var state = document.getElementById('dash-state');\n"
    "var form = document.getElementById('dash-login');\n"
    "var input = document.getElementById('dash-token');\n"
    "function token() { try { return sessionStorage.getItem(key) || ''; } "
    "catch (e) { return ''; } }\n"
    "function keep(t) { try { sessionStorage.setItem(key, t); } catch (e) {} }\n"
    "var m = /(?:^#|&)token=([^&]*)/.exec(location.hash);\n"
    "if (m) { /* the fragment never reaches the server; keep it out of history too */\n"
    "  keep(decodeURIComponent(m[1]));\n"
    "  history.replaceState(null, '', location.pathname + location.search);\n"
    "}\n"
    "function two(n) { return (n < 10 ? '0' : '') + n; }\n"
    "function stamp() { var d = new Date(); return two(d.getHours()) + ':' + "
    "two(d.getMinutes()) + ':' + two(d.getSeconds()); }\n"
    "function say(text, cls) { state.textContent = text; state.className = cls || ''; }\n"
    "function ask(text) { waiting = true; form.hidden = false; say(text, 'bad'); "
    "input.focus(); }\n"
    "function opened(main) { var o = {}; main.querySelectorAll('section[id] > details')"
    ".forEach(function (d) { o[d.parentNode.id] = d.open; }); return o; }\n"
    "function swap(html) {\n"
    "  var main = document.getElementById('mlcost-report'), was = opened(main);\n"
    "  var t = document.createElement('template');\n"
    "  t.innerHTML = html;\n"
    "  var next = t.content.querySelector('main');\n"
    "  main.innerHTML = next ? next.innerHTML : html;\n"
    "  main.querySelectorAll('section[id] > details').forEach(function (d) {\n"
    "    if (d.parentNode.id in was) d.open = was[d.parentNode.id]; });\n"
    "}\n"
    "function done(text) {\n"
    "  swap(text);\n"
    "  body.setAttribute('data-refreshes', String(Number(body.getAttribute("
    "'data-refreshes')) + 1));\n"
    "  form.hidden = true;\n"
    "  say('updated ' + stamp() + ' \\u00b7 every ' + every + ' s', 'ok');\n"
    "}\n"
    "function load() {\n"
    "  if (busy) return;\n"
    "  busy = true;\n"
    "  var h = {}, t = token();\n"
    "  if (t) h.Authorization = 'Bearer ' + t;\n"
    "  fetch('/v1/dashboard/fragment', {headers: h, cache: 'no-store', credentials: 'omit'})\n"
    "  .then(function (r) { return r.text().then(function (text) {\n"
    "    if (r.status === 401) ask(t ? 'This token is not known: enter a read token.'\n"
    "                               : 'Enter a token with the read scope.');\n"
    "    else if (r.status === 403) ask('This token lacks the read scope.');\n"
    "    else if (!r.ok) say('refresh failed (HTTP ' + r.status + '); retrying', 'bad');\n"
    "    else done(text);\n"
    "  }); })\n"
    "  .catch(function () { say('server unreachable; retrying', 'bad'); })\n"
    "  .then(function () { busy = false; });\n"
    "}\n"
    "form.addEventListener('submit', function (e) {\n"
    "  e.preventDefault();\n"
    "  keep(input.value.trim());\n"
    "  input.value = '';\n"
    "  waiting = false;\n"
    "  load();\n"
    "});\n"
    "if (body.getAttribute('data-embedded') === '1') say('updated ' + stamp() + ' \\u00b7 "
    "every ' + every + ' s', 'ok');\n"
    "else load();\n"
    "setInterval(function () {\n"
    "  if (!waiting && document.visibilityState !== 'hidden') load();\n"
    "}, every * 1000);\n"
    "})();\n";

static void page_head(mlcd_buf *b, const mlcd_server *s, int embedded)
{
	mlcd_buf_puts(b,
	              "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	              "<meta name=\"referrer\" content=\"no-referrer\">\n"
	              "<title>mlcost serve: live costs</title>\n<style>\n");
	mlcd_buf_puts(b, mlc_report_css());
	mlcd_buf_puts(b, dash_css);
	mlcd_buf_printf(b,
	                "</style>\n</head>\n<body data-refresh-s=\"%u\" data-refreshes=\"0\" "
	                "data-embedded=\"%d\">\n",
	                s->cfg->dashboard_refresh_s, embedded);
	mlcd_buf_puts(b,
	              "<div class=\"dash-bar\"><span><b>mlcost serve</b> \xc2\xb7 live costs"
	              "</span><span id=\"dash-state\" role=\"status\" aria-live=\"polite\">"
	              "loading\xe2\x80\xa6</span>"
	              "<form id=\"dash-login\" hidden><input id=\"dash-token\" type=\"password\" "
	              "autocomplete=\"off\" placeholder=\"token (scope read)\" "
	              "aria-label=\"token with the read scope\"><button>Show</button></form>"
	              "</div>\n");
}

static void page_script(mlcd_buf *b)
{
	/* exactly dash_js between the tags: the CSP's hash is of that text */
	mlcd_buf_puts(b, "<script>");
	mlcd_buf_puts(b, dash_js);
	mlcd_buf_puts(b, "</script>\n</body>\n</html>\n");
}

/* Base64 (RFC 4648, padded) of n bytes into out (4 * ceil(n / 3) + 1 bytes). */
static void base64(char *out, const unsigned char *d, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)d[i] << 16 | (i + 1 < n ? d[i + 1] << 8 : 0) |
		                  (i + 2 < n ? d[i + 2] : 0);
		*out++ = abc[v >> 18 & 63];
		*out++ = abc[v >> 12 & 63];
		*out++ = i + 1 < n ? abc[v >> 6 & 63] : '=';
		*out++ = i + 2 < n ? abc[v & 63] : '=';
	}
	*out = '\0';
}

static char csp[384];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

static void make_csp(void)
{
	unsigned char d[MLC_SHA256_LEN];
	char h[4 * ((MLC_SHA256_LEN + 2) / 3) + 1];
	mlc_sha256(d, dash_js, strlen(dash_js));
	base64(h, d, sizeof(d));
	/* nothing loads but this origin's fetch; inline CSS and SVG; no frames, forms, <base> */
	snprintf(csp, sizeof(csp),
	         "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src "
	         "'sha256-%s'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
	         "frame-ancestors 'none'",
	         h);
}

const char *mlcd_dashboard_csp(void)
{
	pthread_once(&csp_once, make_csp);
	return csp;
}

int mlcd_handle_dashboard_page(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	char *frag = NULL;
	size_t len = 0;
	/* an open server lets everyone read: the page comes with its data */
	int open = s->cfg->ntokens == 0;
	if (open && mlcd_dashboard_fragment(&frag, &len, s, NULL, rq->now)) {
		mlcd_response_error(rs, 500, "%s", mlcd_error_message());
		return 0;
	}
	rs->content_type = "text/html; charset=utf-8";
	rs->csp = mlcd_dashboard_csp();
	page_head(&rs->body, s, open);
	if (open)
		mlcd_buf_add(&rs->body, frag, len);
	else
		mlcd_buf_puts(
		    &rs->body,
		    "<main class=\"report\" id=\"mlcost-report\"><p class=\"signin\">This "
		    "dashboard shows the costs a token with the <code>read</code> scope "
		    "may see. Open it as <code>/#token=TOKEN</code> (the part after "
		    "<code>#</code> never leaves the browser) or enter the token above; "
		    "it is kept for this tab only.</p></main>\n");
	page_script(&rs->body);
	mlc_report_text_free(frag);
	return 0;
}

int mlcd_handle_dashboard_fragment(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	char *frag = NULL;
	size_t len = 0;
	if (mlcd_dashboard_fragment(&frag, &len, s, rq->token, rq->now)) {
		mlcd_response_error(rs, 500, "%s", mlcd_error_message());
		return 0;
	}
	rs->content_type = "text/html; charset=utf-8";
	rs->csp = mlcd_dashboard_csp(); /* no script in it: opened alone, none runs */
	mlcd_buf_add(&rs->body, frag, len);
	mlc_report_text_free(frag);
	return 0;
}
