package analyze

// The rule catalogue. IDs are stable: A = the access check on the actual
// response, P = the preflight, R = redirects, L = Local Network
// Access, N = network-level failures users mistake for CORS, W = warnings
// that do not block, U = blocked for a reason the capture does not show.
//
// Fix texts may hold {origin} (the exact Origin value to allow), {method},
// {header} (the requested headers in prose), {headers:IDIOM} (the same as a
// list in a language's syntax: headerlist.go), {path}, {location}, {status}
// and {value}; findings fill them in.

var (
	ruleA01 = &Rule{
		ID: "CORS-A01", Title: "Response has no Access-Control-Allow-Origin", Severity: Error,
		Doc:      "The browser checked the response of a cross-origin request for Access-Control-Allow-Origin and found none, so the page cannot read it. The request reached the server and was answered with a success or redirect status: the CORS layer did not run for this route, or runs only for some methods or paths. When the preflight did carry the header, two different components answer OPTIONS and the real request.",
		Chromium: []CorsError{"MissingAllowOriginHeader"}, Firefox: []string{"CORSMissingAllowOrigin2"},
		Fix: "Make the CORS layer answer every route, for every method, with Access-Control-Allow-Origin: {origin} (or * when no credentials are involved).",
		Fixes: map[Stack]string{
			PHP:     "At the top of every script (or in a file each one includes first, or auto_prepend_file), with the allowed origin written exactly as the browser sends it: if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['{origin}'], true)) { header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']); header('Vary: Origin'); }",
			Laravel: "Add '{path}' to paths in config/cors.php (e.g. ['api/*', 'sanctum/csrf-cookie']) and '{origin}' to allowed_origins, then php artisan config:clear.",
			Express: "Register app.use(cors({ origin: ['{origin}'] })) before every router, not on single routes.",
			Django:  "Put 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE and add '{origin}' to CORS_ALLOWED_ORIGINS; check CORS_URLS_REGEX covers {path}.",
			Flask:   "Use CORS(app, origins=['{origin}']) on the whole app (not only on some blueprints) and check the resources= pattern covers {path}.",
			GoHTTP:  "Wrap the whole mux (not single handlers) in one CORS middleware that sets Access-Control-Allow-Origin on every response.",
			RsCors:  "Wrap the whole mux: handler := cors.New(cors.Options{AllowedOrigins: []string{\"{origin}\"}}).Handler(mux).",
			Gin:     "r.Use(cors.New(cors.Config{AllowOrigins: []string{\"{origin}\"}})) before the routes are registered.",
			Nginx:   "Add add_header Access-Control-Allow-Origin \"{origin}\" always; in the location that serves {path} (add_header in a nested location replaces, not extends, the outer ones).",
			Apache:  "Header always set Access-Control-Allow-Origin \"{origin}\" in the <Location> or <Directory> that serves {path} (requires mod_headers).",
			Vite:    "Call the API through the dev server, at the page's own origin: in vite.config.js, server: { proxy: { '/api': { target: 'http://<the API's host:port>', changeOrigin: true } } }, and fetch '/api/...' instead of the API's URL (no CORS at all). For a page on another origin that loads the dev server's files, allow it with server: { cors: { origin: '{origin}' } }.",
			Webpack: "Call the API through the dev server, at the page's own origin: in webpack.config.js, devServer: { proxy: [{ context: ['/api'], target: 'http://<the API's host:port>', changeOrigin: true }] } (Create React App: \"proxy\" in package.json, or src/setupProxy.js with http-proxy-middleware), and fetch '/api/...' instead of the API's URL (no CORS at all). For a page on another origin that loads the dev server's files, send devServer: { headers: { 'Access-Control-Allow-Origin': '{origin}' } }.",
			NextJS:  "If the API is this Next.js app, add the header to its route in next.config.js: async headers() { return [{ source: '{path}', headers: [{ key: 'Access-Control-Allow-Origin', value: '{origin}' }] }] } (a source's ':path' matches one segment, ':path*' any number), or set it in the route handler's Response. If the page is served by Next.js and the API elsewhere, put the API at the page's origin instead: async rewrites() { return [{ source: '/backend/:path*', destination: 'http://<the API's host:port>/:path*' }] } and fetch '/backend/...' (no CORS at all).",
			Caddy:   "Match the origin exactly as the browser sends it and set the header for it: @cors header Origin \"{origin}\" then header @cors Access-Control-Allow-Origin \"{origin}\" and header @cors Vary Origin (no trailing slash in the matcher).",
			Rack:    "In the allow block write origins '{origin}' exactly as the browser sends it (no trailing slash, no path) and check that a resource pattern covers {path}; in Rails, config/initializers/cors.rb.",
		},
		Ref: "Fetch Standard, CORS check; Chromium cors::CheckAccess",
	}
	ruleA02 = &Rule{
		ID: "CORS-A02", Title: "Error response without CORS headers hides the real error", Severity: Error,
		Doc:      "The actual request reached the server and got an error status (4xx or 5xx), and that error response carries no Access-Control-Allow-Origin. The browser therefore reports a CORS failure and hides the status from the page, although the real problem is the error itself. Error handlers, authentication failures, body-size limits, gateways and WAFs commonly answer without going through the CORS layer; nginx drops add_header on error statuses unless 'always' is given.",
		Chromium: []CorsError{"MissingAllowOriginHeader"}, Firefox: []string{"CORSMissingAllowOrigin2"},
		Fix: "Fix the HTTP {status} itself, and send the CORS headers on error responses too so the page sees the real status.",
		Fixes: map[Stack]string{
			PHP:     "Send the CORS headers at the top of the script, before any code that can fail: an uncaught exception or a fatal error answers 500 with only the headers sent before it. Then fix the {status}.",
			Express: "Register cors() before every other middleware so error responses also carry it, and make the error handler (app.use((err, req, res, next) => ...)) run after cors.",
			Django:  "Place CorsMiddleware above every middleware that can answer on its own (CommonMiddleware, auth, custom ones) so their error responses get the headers; then fix the {status}.",
			Flask:   "flask-cors adds headers in after_request, which error handlers for unhandled exceptions skip: register error handlers that return a response (so after_request runs), or use CORS(app, ...) with the default intercept_exceptions=True; then fix the {status}.",
			GoHTTP:  "Set the CORS headers in a middleware that wraps the whole mux, before next.ServeHTTP(w, r): headers set after http.Error or w.WriteHeader are never sent, so error paths inside handlers lose them. Then fix the {status}.",
			RsCors:  "Wrap the outermost handler with rs/cors so that error responses written by inner handlers still carry the headers.",
			Nginx:   "Append 'always' to every add_header Access-Control-* line (add_header ... always;), otherwise nginx sends them only on 2xx and 3xx; then fix the {status}.",
			Apache:  "Use 'Header always set' instead of 'Header set': the plain form does not apply to error responses; then fix the {status}.",
			Gin:     "A bare 403 is gin-contrib/cors refusing the Origin: write it in cors.Config.AllowOrigins exactly as the browser sends it, \"{origin}\" (no trailing slash, no path). Otherwise r.Use(cors.New(...)) before every middleware that can abort, so its {status} carries the headers.",
			FastAPI: "The 500 of an unhandled exception comes from ServerErrorMiddleware, outside CORSMiddleware: wrap the whole app, app = CORSMiddleware(app, allow_origins=['{origin}']), or handle your exception classes with @app.exception_handler so the error response passes through CORSMiddleware; then fix the {status}.",
			Rack:    "Insert Rack::Cors first (Rails: config.middleware.insert_before 0, Rack::Cors) and render errors inside it (Rails does in production; plain Rack: use Rack::ShowExceptions below Rack::Cors), so the {status} carries the headers; then fix the {status}.",
		},
		Ref: "Fetch Standard, CORS check; nginx add_header 'always'",
	}
	ruleA03 = &Rule{
		ID: "CORS-A03", Title: "Access-Control-Allow-Origin names another origin", Severity: Error,
		Doc:      "The response allows a different origin than the one the page runs on. The value is compared byte for byte with the page's origin. Usually the page's origin is missing from the server's allowlist, or the server hard-codes one origin (production) while the page runs elsewhere (localhost, staging), or a shared cache served a response generated for another origin.",
		Chromium: []CorsError{"AllowOriginMismatch"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin"},
		Fix: "Add {origin} to the allowlist and echo the request's Origin when it is allowed, with Vary: Origin.",
		Fixes: map[Stack]string{
			Laravel: "Add '{origin}' to allowed_origins in config/cors.php (scheme, host and port, no trailing slash), then php artisan config:clear.",
			Express: "cors({ origin: ['{origin}', ...] }) echoes the matching origin; do not pass a single fixed string when several origins use the API.",
			Django:  "Add '{origin}' to CORS_ALLOWED_ORIGINS (scheme, host and port, no trailing slash).",
			Flask:   "CORS(app, origins=['{origin}', ...]).",
			RsCors:  "Add \"{origin}\" to cors.Options.AllowedOrigins.",
			Gin:     "Add \"{origin}\" to cors.Config.AllowOrigins.",
			Nginx:   "Map allowed origins and echo the match: map $http_origin $cors_origin { \"{origin}\" $http_origin; default \"\"; } then add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always;",
			Apache:  "SetEnvIf Origin \"^{origin}$\" CORS_OK=$0 then Header always set Access-Control-Allow-Origin %{CORS_OK}e env=CORS_OK and Header merge Vary Origin.",
		},
		Ref: "Fetch Standard, CORS check step 3",
	}
	ruleA04 = &Rule{
		ID: "CORS-A04", Title: "Access-Control-Allow-Origin almost matches: a typo in the allowlist", Severity: Error,
		Doc:      "The allowed origin differs from the page's origin only in form: a trailing slash or path, upper-case letters, an explicit default port, or the other scheme. Browsers compare the serialized origin byte for byte, so 'https://app.example.com/' does not allow 'https://app.example.com'. The entry in the server's configuration (often an environment variable) was written as a URL instead of an origin.",
		Chromium: []CorsError{"AllowOriginMismatch", "PreflightAllowOriginMismatch"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin"},
		Fix: "Write the allowed origin exactly as the browser sends it: {origin} (lower-case scheme and host, port only when not the default, no trailing slash, no path).",
		Fixes: map[Stack]string{
			Vite:    "Vite's server.cors passes its origin string to the cors package, which sends it as written: write it as the browser sends it, server: { cors: { origin: '{origin}' } } in vite.config.js (no trailing slash, no path).",
			Webpack: "devServer.headers are sent as written: write the origin as the browser sends it, devServer: { headers: { 'Access-Control-Allow-Origin': '{origin}' } } in webpack.config.js (no trailing slash, no path).",
		},
		Ref: "Fetch Standard, CORS check; URL Standard, origin serialization",
	}
	ruleA05 = &Rule{
		ID: "CORS-A05", Title: "Access-Control-Allow-Origin has several values", Severity: Error,
		Doc:      "The response carries more than one origin: either several Access-Control-Allow-Origin lines (the browser joins them with ', ') or one line listing several origins. Only one value is allowed. Two layers usually add the header independently, for example a reverse proxy or API gateway and the application, or the server sends its whole allowlist instead of the one matching origin.",
		Chromium: []CorsError{"MultipleAllowOriginValues", "PreflightMultipleAllowOriginValues"}, Firefox: []string{"CORSMultipleAllowOriginNotAllowed", "CORSAllowOriginNotMatchingOrigin"},
		Fix: "Emit Access-Control-Allow-Origin once, from one layer, with the single matching origin {origin}; remove the CORS headers from the other layer.",
		Fixes: map[Stack]string{
			Express: "cors() already sets Access-Control-Allow-Origin: remove res.set()/res.header() calls that set it again, and CORS headers added by a proxy in front of the app.",
			Nginx:   "nginx and the application both add the header: remove the add_header Access-Control-* lines from nginx, or use proxy_hide_header Access-Control-Allow-Origin; to drop the application's copy.",
			Apache:  "Apache and the application both add the header: use 'Header always unset Access-Control-Allow-Origin' before setting it, or remove one of the two.",
			Caddy:   "Caddy's header directive and the application behind reverse_proxy both set it: drop the application's copy with header_down -Access-Control-Allow-Origin inside the reverse_proxy block, or remove Caddy's header line.",
		},
		Ref: "Fetch Standard, CORS check step 1 (get, combine)",
	}
	ruleA06 = &Rule{
		ID: "CORS-A06", Title: "Access-Control-Allow-Origin is not a valid origin", Severity: Error,
		Doc:      "The value is neither '*', nor 'null', nor an origin: a host without a scheme ('example.com'), a pattern ('*.example.com'), or an empty value. Browsers do not expand patterns; the server has to match the request's Origin against its pattern and echo the concrete origin.",
		Chromium: []CorsError{"InvalidAllowOriginValue", "PreflightInvalidAllowOriginValue"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin"},
		Fix: "Match the pattern on the server and send the concrete origin: Access-Control-Allow-Origin: {origin}, with Vary: Origin.",
		Fixes: map[Stack]string{
			Express: "cors({ origin: /\\.example\\.com$/ }) matches a pattern and echoes the origin.",
			Django:  "Use CORS_ALLOWED_ORIGIN_REGEXES = [r'^https://\\w+\\.example\\.com$'] instead of a pattern in CORS_ALLOWED_ORIGINS.",
			Flask:   "CORS(app, origins=[re.compile(r'^https://.*\\.example\\.com$')]).",
			RsCors:  "AllowedOrigins accepts one '*' wildcard (\"https://*.example.com\") and echoes the concrete origin.",
		},
		Ref: "Fetch Standard, CORS protocol, Access-Control-Allow-Origin syntax",
	}
	ruleA07 = &Rule{
		ID: "CORS-A07", Title: "Wildcard origin with credentials", Severity: Error,
		Doc:      "The response allows any origin ('Access-Control-Allow-Origin: *') but the request was made with credentials (cookies, fetch credentials: 'include', XHR withCredentials). With credentials the wildcard is not allowed, even when Access-Control-Allow-Credentials is true. This is the default of many CORS libraries combined with cookie authentication.",
		Chromium: []CorsError{"WildcardOriginNotAllowed"}, Firefox: []string{"CORSNotSupportingCredentials"},
		Fix: "Echo the specific origin ({origin}) instead of *, send Access-Control-Allow-Credentials: true and Vary: Origin; or stop sending credentials from the page if the API does not need them.",
		Fixes: map[Stack]string{
			PHP:     "Echo an allowed origin instead of *: if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['{origin}'], true)) { header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']); header('Access-Control-Allow-Credentials: true'); header('Vary: Origin'); }",
			Laravel: "In config/cors.php list '{origin}' in allowed_origins instead of '*' and set 'supports_credentials' => true.",
			Express: "cors({ origin: ['{origin}'], credentials: true }); the default origin '*' never works with credentials.",
			Django:  "Set CORS_ALLOW_CREDENTIALS = True and list '{origin}' in CORS_ALLOWED_ORIGINS instead of CORS_ALLOW_ALL_ORIGINS = True.",
			Flask:   "CORS(app, origins=['{origin}'], supports_credentials=True).",
			RsCors:  "cors.Options{AllowedOrigins: []string{\"{origin}\"}, AllowCredentials: true}; with AllowedOrigins [\"*\"] rs/cors sends '*'.",
			Gin:     "cors.Config{AllowOrigins: []string{\"{origin}\"}, AllowCredentials: true} instead of AllowAllOrigins.",
			Nginx:   "add_header Access-Control-Allow-Origin $http_origin always; only for allowed origins (see a map), plus add_header Access-Control-Allow-Credentials true always; and Vary Origin.",
			FastAPI: "app.add_middleware(CORSMiddleware, allow_origins=['{origin}'], allow_credentials=True): with ['*'] Starlette echoes the origin only to requests that carry a Cookie header.",
			Caddy:   "Set the matched origin instead of *: @cors header Origin \"{origin}\" then header @cors Access-Control-Allow-Origin \"{origin}\", header @cors Access-Control-Allow-Credentials true and header @cors Vary Origin.",
			Rack:    "origins '{origin}' and credentials: true on the resource; rack-cors refuses credentials with origins '*'.",
			NextJS:  "In next.config.js headers() send the page's origin instead of *, with credentials allowed: headers: [{ key: 'Access-Control-Allow-Origin', value: '{origin}' }, { key: 'Access-Control-Allow-Credentials', value: 'true' }] (or the same two headers from the route handler's Response).",
		},
		Ref: "Fetch Standard, CORS check step 2",
	}
	ruleA08 = &Rule{
		ID: "CORS-A08", Title: "Credentials not allowed: Access-Control-Allow-Credentials missing or not 'true'", Severity: Error,
		Doc:      "The request was made with credentials and the origin matched, but the response does not say 'Access-Control-Allow-Credentials: true' (exactly, lower case). The server's CORS configuration does not enable credentials, enables them only on the preflight, or sends 'True' or '1'.",
		Chromium: []CorsError{"InvalidAllowCredentials", "PreflightInvalidAllowCredentials"}, Firefox: []string{"CORSMissingAllowCredentials"},
		Fix: "Send Access-Control-Allow-Credentials: true (lower case) on the preflight and on the actual response.",
		Fixes: map[Stack]string{
			Laravel: "Set 'supports_credentials' => true in config/cors.php, then php artisan config:clear.",
			Express: "cors({ origin: ['{origin}'], credentials: true }).",
			Django:  "CORS_ALLOW_CREDENTIALS = True.",
			Flask:   "CORS(app, supports_credentials=True, origins=['{origin}']).",
			RsCors:  "cors.Options{AllowCredentials: true, ...}.",
			Gin:     "cors.Config{AllowCredentials: true, ...}.",
			Nginx:   "add_header Access-Control-Allow-Credentials true always; (the value must be the lower-case word true).",
			Apache:  "Header always set Access-Control-Allow-Credentials \"true\".",
		},
		Ref: "Fetch Standard, CORS check step 5",
	}
	ruleA09 = &Rule{
		ID: "CORS-A09", Title: "Origin 'null' does not match", Severity: Error,
		Doc:      "Either the request came from an opaque origin (a sandboxed iframe, a file: or data: page), which the browser serializes as 'null', and the server allowed a real origin; or the server answered 'Access-Control-Allow-Origin: null' to a page with a real origin. Allowing 'null' is unsafe: any sandboxed page can claim it.",
		Chromium: []CorsError{"AllowOriginMismatch", "PreflightAllowOriginMismatch"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin"},
		Fix: "Serve the page from a real http(s) origin and allow that origin; never allowlist 'null' for an API that uses credentials.",
		Ref: "HTML Standard, opaque origins; Fetch Standard, CORS check",
	}

	ruleP01 = &Rule{
		ID: "CORS-P01", Title: "No OPTIONS route: the preflight got 404, 405 or 501", Severity: Error,
		Doc:      "The browser sent an OPTIONS preflight before the real request and the server answered 404, 405 or 501: nothing handles OPTIONS for this path. Chromium reports the missing Access-Control-Allow-Origin first when the error carries no CORS headers, and 'does not have HTTP ok status' when it does. Routers that match on method (Go 1.22 patterns like \"POST /path\", Express app.post only, Flask methods=['POST']) answer OPTIONS with 405 unless a CORS layer in front of them answers it.",
		Chromium: []CorsError{"PreflightMissingAllowOriginHeader", "PreflightInvalidStatus"}, Firefox: []string{"CORSMissingAllowOrigin2", "CORSPreflightDidNotSucceed3"},
		Fix: "Answer OPTIONS for {path} with 204 and the CORS headers, before routing: put the CORS layer in front of the router.",
		Fixes: map[Stack]string{
			PHP:     "Answer the preflight at the top of the script, before any method check or routing, after Access-Control-Allow-Origin: if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') { header('Access-Control-Allow-Methods: {method}'); http_response_code(204); exit; }",
			Express: "app.use(cors({ origin: ['{origin}'] })) before the routers answers every OPTIONS; app.options('*', cors()) if cors is applied per route.",
			Django:  "Put 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE; it answers preflights before URL resolution.",
			Flask:   "Apply CORS(app) to the app (it answers OPTIONS automatically), or add 'OPTIONS' to the route's methods.",
			GoHTTP:  "Answer preflights in a middleware that wraps the whole mux, before routing: if r.Method == http.MethodOptions && r.Header.Get(\"Access-Control-Request-Method\") != \"\" { set the Access-Control-Allow-* headers; w.WriteHeader(http.StatusNoContent); return }. The mux answers OPTIONS {path} with 404 when no route matches and with 405 when the route has a method pattern (mux.HandleFunc(\"{method} {path}\", ...)).",
			RsCors:  "Wrap the mux, not a handler registered for one method: cors.New(opts).Handler(mux) answers OPTIONS before the mux sees it. With OptionsPassthrough: true, rs/cors hands OPTIONS on to your handler, which must then answer 2xx; leave it off.",
			Gin:     "r.Use(cors.New(...)) before the routes; gin returns 404/405 for OPTIONS otherwise.",
			Nginx:   "if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin \"{origin}\" always; add_header Access-Control-Allow-Methods \"{method}\" always; add_header Access-Control-Allow-Headers \"{headers:value:Content-Type}\" always; return 204; }",
			Apache:  "RewriteCond %{REQUEST_METHOD} OPTIONS and RewriteRule ^ - [R=204,L] with the Access-Control-* headers set via 'Header always set'.",
			FastAPI: "FastAPI routes do not answer OPTIONS: app.add_middleware(CORSMiddleware, allow_origins=['{origin}'], allow_methods=['{method}']) answers the preflight, instead of headers set in the route.",
		},
		Ref: "Fetch Standard, CORS-preflight fetch step 7 (ok status)",
	}
	ruleP02 = &Rule{
		ID: "CORS-P02", Title: "Authentication rejects the preflight (401, 403)", Severity: Error,
		Doc:      "The preflight was answered 401, 403 or 407. Browsers never send cookies or Authorization with a preflight, so an authentication middleware, API-key check or WAF that runs before CORS rejects every preflight, and the real request is never sent.",
		Chromium: []CorsError{"PreflightMissingAllowOriginHeader", "PreflightInvalidStatus"}, Firefox: []string{"CORSMissingAllowOrigin2", "CORSPreflightDidNotSucceed3"},
		Fix: "Let preflights (OPTIONS with Access-Control-Request-Method) through without authentication: run CORS before auth.",
		Fixes: map[Stack]string{
			PHP:     "Answer the preflight before the token check, which it never passes (a preflight carries no Authorization or cookies): after Access-Control-Allow-Origin, if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') { header('Access-Control-Allow-Headers: {headers:value:Content-Type}'); http_response_code(204); exit; }, then check the token.",
			Express: "app.use(cors(...)) before the auth middleware (express-jwt, passport...); or skip auth when req.method === 'OPTIONS'.",
			Django:  "Place CorsMiddleware above authentication middleware in MIDDLEWARE; DRF permission classes never see a preflight then.",
			Flask:   "In the before_request auth hook, return early when request.method == 'OPTIONS'; flask-cors then answers the preflight.",
			GoHTTP:  "Wrap the auth middleware inside the CORS middleware, so OPTIONS is answered before auth runs.",
			RsCors:  "cors.New(opts).Handler(authMiddleware(mux)): CORS outermost.",
			Nginx:   "Answer OPTIONS before auth_request / auth_basic: in the location, if ($request_method = OPTIONS) { ...; return 204; } and auth_basic off for it (or limit_except OPTIONS { auth_basic ...; }).",
			Apache:  "Wrap the auth directives in <LimitExcept OPTIONS> so preflights are not authenticated.",
			FastAPI: "Add CORSMiddleware after every @app.middleware('http') and other add_middleware call: the last one added is the outermost, and it must answer the preflight before the auth middleware sees it.",
			Rack:    "Insert Rack::Cors above the auth middleware (Rails: config.middleware.insert_before 0, Rack::Cors): it answers preflights itself, before authentication runs.",
		},
		Ref: "Fetch Standard, CORS-preflight request (credentials mode same-origin)",
	}
	ruleP03 = &Rule{
		ID: "CORS-P03", Title: "Preflight failed with a non-2xx status", Severity: Error,
		Doc:      "The preflight got a non-2xx status other than a missing route or an authentication failure: a crash, a validator that rejects an OPTIONS without a body, a rate limiter, or a gateway error. The real request is never sent.",
		Chromium: []CorsError{"PreflightMissingAllowOriginHeader", "PreflightInvalidStatus"}, Firefox: []string{"CORSMissingAllowOrigin2", "CORSPreflightDidNotSucceed3"},
		Fix: "Answer preflights with 204 before validation and business logic run, and look in the server log for what OPTIONS {path} did.",
		Fixes: map[Stack]string{
			GoHTTP:  "The handler for {path} failed on the preflight: answer preflights in the CORS middleware that wraps the mux, before any handler runs (if r.Method == http.MethodOptions && r.Header.Get(\"Access-Control-Request-Method\") != \"\" { ...; w.WriteHeader(http.StatusNoContent); return }), then look in the server log for why OPTIONS {path} failed.",
			FastAPI: "Starlette's CORSMiddleware answers a preflight it refuses with 400 (Disallowed CORS origin, headers or method): list the origin exactly as the browser sends it and what the page asks for, app.add_middleware(CORSMiddleware, allow_origins=['{origin}'], allow_methods=['{method}'], allow_headers={headers:py}).",
		},
		Ref: "Fetch Standard, CORS-preflight fetch step 7 (ok status)",
	}
	ruleP04 = &Rule{
		ID: "CORS-P04", Title: "Preflight redirected", Severity: Error,
		Doc:      "The preflight was answered with a redirect. Browsers do not follow redirects for preflights. Typical causes: the page calls http:// and the server redirects to https://, or the URL lacks (or has) a trailing slash that the framework adds (Django APPEND_SLASH, Flask strict_slashes, Laravel), or a login or www redirect catches OPTIONS.",
		Chromium: []CorsError{"PreflightDisallowedRedirect"}, Firefox: []string{"CORSExternalRedirectNotAllowed", "CORSMissingAllowOrigin2"},
		Fix: "Call the final URL directly ({location}) and keep OPTIONS out of redirect rules.",
		Fixes: map[Stack]string{
			Django: "Call the URL with its trailing slash ({location}); APPEND_SLASH redirects every method, OPTIONS included. Keep CorsMiddleware above CommonMiddleware.",
			Flask:  "Call the URL exactly as the route is declared ({location}), or declare the route with strict_slashes=False.",
			Nginx:  "Exclude OPTIONS from the return 301/rewrite that redirects, or call the canonical URL ({location}) from the page.",
		},
		Ref: "Fetch Standard, CORS-preflight fetch (redirect mode error); Chromium PreflightController",
	}
	ruleP05 = &Rule{
		ID: "CORS-P05", Title: "Preflight answered without Access-Control-Allow-Origin", Severity: Error,
		Doc:      "The preflight got a success status but no Access-Control-Allow-Origin. Either a component other than the CORS layer answered OPTIONS (a web server default, a framework's automatic OPTIONS), or the CORS layer rejected the preflight and dropped every CORS header, which is what rs/cors, django-cors-headers and others do when the requested method or a requested header is not in their allowlist: the browser then reports the missing origin header while the real cause is the header or method.",
		Chromium: []CorsError{"PreflightMissingAllowOriginHeader"}, Firefox: []string{"CORSMissingAllowOrigin2"},
		Fix: "Let the CORS layer answer OPTIONS, and allow the requested method and headers ({method}; {header}).",
		Fixes: map[Stack]string{
			Laravel: "Laravel's HandleCors answers a preflight with no CORS header when the origin, a requested header or the method is not allowed: add '{origin}' to allowed_origins in config/cors.php (and {header} to allowed_headers, {method} to allowed_methods), check that paths covers {path}, then php artisan config:clear.",
			RsCors:  "rs/cors answers a preflight without any CORS header when a requested header or the method is not allowed: add them to cors.Options.AllowedHeaders / AllowedMethods ({header}; {method}). Options.Debug logs the reason.",
			Express: "Let cors answer OPTIONS: app.use(cors(opts)) before the routes, or app.options('{path}', cors(opts)) when cors is applied per route; and list the requested headers and method in allowedHeaders and methods ({header}; {method}).",
			Django:  "Add the requested headers to CORS_ALLOW_HEADERS (e.g. {headers:pytuple:*default_headers}) and the method to CORS_ALLOW_METHODS.",
			Flask:   "CORS(app, allow_headers=[...], methods=[...]) must include {header} and {method}.",
			Rack:    "rack-cors answers a preflight it refuses with 200 and no CORS header: allow the method ({method}, as a lower-case symbol) and the headers ({header}) on the resource, e.g. resource '*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options].",
			NextJS:  "A route handler without an OPTIONS export gets Next.js's own answer, 204 with Allow and no CORS headers: in the route.js of {path}, export async function OPTIONS() { return new Response(null, { status: 204, headers: { 'Access-Control-Allow-Origin': '{origin}', 'Access-Control-Allow-Methods': '{method}', 'Access-Control-Allow-Headers': '{headers:value:Content-Type}' } }) }.",
		},
		Ref: "Fetch Standard, CORS check on the preflight response",
	}
	ruleP06 = &Rule{
		ID: "CORS-P06", Title: "Preflight allows another origin", Severity: Error,
		Doc:      "The preflight response's Access-Control-Allow-Origin names a different origin than the page's. The page's origin is missing from the allowlist used for OPTIONS, or a CDN cached an OPTIONS response generated for another origin.",
		Chromium: []CorsError{"PreflightAllowOriginMismatch"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin"},
		Fix: "Allow {origin} for preflights and echo it, with Vary: Origin; do not let caches store OPTIONS responses without Vary: Origin.",
		Ref: "Fetch Standard, CORS check on the preflight response",
	}
	ruleP09 = &Rule{
		ID: "CORS-P09", Title: "Preflight allows any origin but the request has credentials", Severity: Error,
		Doc:      "The preflight answered 'Access-Control-Allow-Origin: *' for a request that will be sent with credentials. The preflight itself never carries credentials, but it is checked with the real request's credentials mode, so the wildcard fails.",
		Chromium: []CorsError{"PreflightWildcardOriginNotAllowed"}, Firefox: []string{"CORSNotSupportingCredentials"},
		Fix: "Echo {origin} (not *) and send Access-Control-Allow-Credentials: true on the preflight response as well.",
		Fixes: map[Stack]string{
			Express: "cors({ origin: ['{origin}'], credentials: true }); app.options must use the same options.",
			Django:  "CORS_ALLOW_CREDENTIALS = True with CORS_ALLOWED_ORIGINS instead of CORS_ALLOW_ALL_ORIGINS.",
			Flask:   "CORS(app, origins=['{origin}'], supports_credentials=True).",
			RsCors:  "cors.Options{AllowedOrigins: []string{\"{origin}\"}, AllowCredentials: true}.",
		},
		Ref: "Fetch Standard, CORS-preflight fetch step 7 (CORS check with the request's credentials mode)",
	}
	ruleP11 = &Rule{
		ID: "CORS-P11", Title: "Access-Control-Allow-Methods cannot be parsed", Severity: Error,
		Doc:      "The preflight's Access-Control-Allow-Methods is not a comma-separated list of method names: it holds spaces inside a name ('GET POST'), quotes, slashes or semicolons. The browser rejects the whole preflight.",
		Chromium: []CorsError{"InvalidAllowMethodsPreflightResponse"}, Firefox: []string{"CORSInvalidAllowMethod"},
		Fix: "Send a comma-separated list of methods, e.g. Access-Control-Allow-Methods: GET, POST, PUT, DELETE (the bad item was {value}).",
		Ref: "Fetch Standard, CORS-preflight fetch step 7.1 (extract header list values)",
	}
	ruleP12 = &Rule{
		ID: "CORS-P12", Title: "Access-Control-Allow-Headers cannot be parsed", Severity: Error,
		Doc:      "The preflight's Access-Control-Allow-Headers is not a comma-separated list of header names (spaces inside a name, quotes, colons...). The browser rejects the whole preflight.",
		Chromium: []CorsError{"InvalidAllowHeadersPreflightResponse"}, Firefox: []string{"CORSInvalidAllowHeader"},
		Fix: "Send a comma-separated list of header names, e.g. Access-Control-Allow-Headers: Content-Type, Authorization (the bad item was {value}).",
		Ref: "Fetch Standard, CORS-preflight fetch step 7.1",
	}
	ruleP13 = &Rule{
		ID: "CORS-P13", Title: "Method not allowed by the preflight", Severity: Error,
		Doc:      "The request's method is not GET, HEAD or POST, so the preflight asked for it, and the preflight's Access-Control-Allow-Methods does not list it (and has no usable '*').",
		Chromium: []CorsError{"MethodDisallowedByPreflightResponse"}, Firefox: []string{"CORSMethodNotFound"},
		Fix: "Add {method} to Access-Control-Allow-Methods.",
		Fixes: map[Stack]string{
			Laravel: "Add '{method}' to allowed_methods in config/cors.php (or ['*']).",
			Express: "cors({ methods: ['GET', 'POST', '{method}', ...] }).",
			Django:  "CORS_ALLOW_METHODS = (*default_methods, '{method}') if it was narrowed.",
			Flask:   "CORS(app, methods=['GET', 'POST', '{method}', ...]).",
			RsCors:  "cors.Options{AllowedMethods: []string{http.MethodGet, http.MethodPost, \"{method}\"}}; rs/cors allows only GET, POST and HEAD by default.",
			Gin:     "cors.Config{AllowMethods: []string{\"GET\", \"POST\", \"{method}\"}}.",
			Nginx:   "add_header Access-Control-Allow-Methods \"GET, POST, {method}\" always;",
			Apache:  "Header always set Access-Control-Allow-Methods \"GET, POST, {method}\"",
		},
		Ref: "Fetch Standard, CORS-preflight fetch step 7.3",
	}
	ruleP14 = &Rule{
		ID: "CORS-P14", Title: "Method case differs from Access-Control-Allow-Methods", Severity: Error,
		Doc:      "Methods are compared case-sensitively. fetch() and XMLHttpRequest upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT; any other method keeps the case the page wrote, so fetch(url, {method: 'patch'}) sends 'patch', which 'Access-Control-Allow-Methods: PATCH' does not allow. Chrome before version 109 hid this by upper-casing.",
		Chromium: []CorsError{"MethodDisallowedByPreflightResponse"}, Firefox: []string{"CORSMethodNotFound"},
		Fix: "Add the method to Access-Control-Allow-Methods exactly as the page sends it ('{method}'), or send it from the page in the case the server lists: methods are compared case-sensitively.",
		Ref: "Fetch Standard, method normalization; Chromium AccessControlAllowMethodsInCORSPreflightSpecConformant",
	}
	ruleP15 = &Rule{
		ID: "CORS-P15", Title: "'*' in Access-Control-Allow-Methods does not apply with credentials", Severity: Error,
		Doc:      "The preflight allows methods with '*', but the request is made with credentials, and with credentials '*' only matches a method literally named '*'.",
		Chromium: []CorsError{"MethodDisallowedByPreflightResponse"}, Firefox: []string{"CORSMethodNotFound"},
		Fix: "List the methods explicitly: Access-Control-Allow-Methods: GET, POST, {method}.",
		Ref: "Fetch Standard, CORS-preflight fetch step 7.3",
	}
	ruleP16 = &Rule{
		ID: "CORS-P16", Title: "Request header not allowed by the preflight", Severity: Error,
		Doc:      "The page sets a header that is not CORS-safelisted, so the preflight asked for it in Access-Control-Request-Headers, and the preflight's Access-Control-Allow-Headers does not list it. Common: Authorization, Content-Type with a JSON or other non-form type, X-Requested-With, X-API-Key, and tracing headers added by SDKs (traceparent, sentry-trace, baggage).",
		Chromium: []CorsError{"HeaderDisallowedByPreflightResponse"}, Firefox: []string{"CORSMissingAllowHeaderFromPreflight2"},
		Fix: "Add {header} to Access-Control-Allow-Headers, or stop sending it from the page.",
		Fixes: map[Stack]string{
			Laravel: "List the headers the page sends in allowed_headers in config/cors.php, 'allowed_headers' => {headers:php:Content-Type} (or ['*']).",
			Express: "cors({ allowedHeaders: {headers:js:Content-Type,...} }) (by default cors echoes the requested headers; a fixed list must include every header the page sends).",
			Django:  "CORS_ALLOW_HEADERS = {headers:pytuple:*default_headers}.",
			Flask:   "CORS(app, allow_headers={headers:py:Content-Type,...}).",
			RsCors:  "cors.Options{AllowedHeaders: {headers:go:Content-Type}}.",
			Gin:     "cors.Config{AllowHeaders: {headers:go:Origin,Content-Type}}.",
			Nginx:   "add_header Access-Control-Allow-Headers \"{headers:value:Content-Type}\" always;",
			Apache:  "Header always set Access-Control-Allow-Headers \"{headers:value:Content-Type}\"",
			Caddy:   "Allow the header on the preflight, header Access-Control-Allow-Headers \"{headers:value}\". file_server answers OPTIONS with the file itself; to answer preflights on their own: @preflight method OPTIONS, header @preflight Access-Control-Allow-Headers \"{headers:value}\", respond @preflight 204.",
		},
		Ref: "Fetch Standard, CORS-preflight fetch step 7.5",
	}
	ruleP17 = &Rule{
		ID: "CORS-P17", Title: "'*' in Access-Control-Allow-Headers does not apply with credentials", Severity: Error,
		Doc:      "The preflight allows headers with '*', but the request is made with credentials, and with credentials '*' only matches a header literally named '*'.",
		Chromium: []CorsError{"HeaderDisallowedByPreflightResponse"}, Firefox: []string{"CORSMissingAllowHeaderFromPreflight2"},
		Fix: "List the header names explicitly: Access-Control-Allow-Headers: {headers:value:Content-Type}.",
		Ref: "Fetch Standard, CORS-preflight fetch step 7.5",
	}
	ruleP18 = &Rule{
		ID: "CORS-P18", Title: "Authorization allowed only through '*' in Access-Control-Allow-Headers", Severity: Warning,
		Doc: "The request sends Authorization and the preflight allows headers with '*' only. The Fetch Standard says '*' never covers Authorization; Chromium and Firefox still let it through: Chromium reports a deprecation issue ('Authorization will not be covered by the wildcard symbol (*)...'), Firefox writes a warning to the Browser Console only (not the page's console), Safari says nothing. It will break when browsers enforce the rule. Chromium also re-sends this preflight on every request, since a cached '*' never covers Authorization.",
		Fix: "List Authorization explicitly: Access-Control-Allow-Headers: *, Authorization (or the full list of headers).",
		Ref: "Fetch Standard, CORS-non-wildcard request-header name; Chromium CorsNonWildcardRequestHeadersSupport",
	}
	ruleP19 = &Rule{
		ID: "CORS-P19", Title: "Preflight got no response", Severity: Error,
		Doc:     "The preflight failed at the network level: the connection was refused or reset, TLS failed, or nothing answered. The browser passes that network error on to the real request with no CORS message. A load balancer, WAF or API gateway that drops OPTIONS causes this as well as a server that is down.",
		Firefox: []string{"CORSDidNotSucceed2", "CORSPreflightDidNotSucceed3"},
		Fix:     "Make sure OPTIONS {path} reaches a server that answers it: check the edge (load balancer, WAF, API gateway) lets OPTIONS through.",
		Ref:     "Chromium PreflightController (net error passed on)",
	}
	ruleP21 = &Rule{
		ID: "CORS-P21", Title: "Preflights repeated: Access-Control-Max-Age missing or capped", Severity: Info,
		Doc: "Without Access-Control-Max-Age the browser caches a preflight for 5 seconds, so a page that calls the same URL regularly pays a preflight round trip almost every time. Browsers also cap the value: Chrome at 7200 s, Firefox at 86400 s, Safari at 600 s. (Firefox 153 was seen sending a new preflight for each request even within Max-Age, so its users pay the round trip regardless.)",
		Fix: "Send Access-Control-Max-Age: 7200 (Chrome's cap) on preflight responses, or make the requests simple (no custom headers, a form Content-Type) so they need no preflight.",
		Ref: "Fetch Standard, CORS-preflight cache; Chromium preflight_result.cc (kMaxTimeout)",
	}
	ruleP22 = &Rule{
		ID: "CORS-P22", Title: "Preflight not in the capture", Severity: Info,
		Doc: "The request needed a preflight (its method or headers are not CORS-safelisted) but the capture holds none for it. The browser answered it from its preflight cache (within Access-Control-Max-Age of an earlier one), the exporter drops preflights (Playwright), or the capture started after the preflight. The verdict rests on the actual response alone.",
		Fix: "To see the preflight, record with DevTools' 'Disable cache' on (it bypasses the preflight cache) in Chrome DevTools rather than Playwright's recordHar.",
		Ref: "Fetch Standard, CORS-preflight cache",
	}

	ruleR01 = &Rule{
		ID: "CORS-R01", Title: "Redirect response without CORS headers", Severity: Error,
		Doc:      "The request was redirected, and the redirect response itself lacks a valid Access-Control-Allow-Origin. For a cross-origin request every response in the chain, redirects included, must pass the CORS check. The redirecting component (an http-to-https rule, a trailing-slash rule, a CDN, an auth gateway) has no CORS configuration.",
		Chromium: []CorsError{"MissingAllowOriginHeader", "AllowOriginMismatch", "WildcardOriginNotAllowed", "InvalidAllowCredentials"}, Firefox: []string{"CORSMissingAllowOrigin2"},
		Fix: "Call the final URL ({location}) directly, or add CORS headers to the redirect response.",
		Fixes: map[Stack]string{
			Django: "Call the URL with its trailing slash ({location}), and move 'corsheaders.middleware.CorsMiddleware' above CommonMiddleware in MIDDLEWARE: APPEND_SLASH's redirect then carries the CORS headers.",
			Flask:  "Call the URL exactly as the route is declared ({location}), or declare the route with strict_slashes=False.",
			Nginx:  "Call {location} directly, or add the CORS headers with 'always' in the server block that returns the redirect.",
			Apache: "Call {location} directly (mod_dir's DirectorySlash and Redirect rules answer before mod_headers' 'Header set'; 'Header always set' covers redirects).",
		},
		Ref: "Fetch Standard, HTTP-redirect fetch; Chromium CorsURLLoader redirect checks",
	}
	ruleR02 = &Rule{
		ID: "CORS-R02", Title: "Origin became 'null' after a cross-origin redirect", Severity: Error,
		Doc:      "The request was redirected from one origin to another (or back to the page's own). The browser then sends 'Origin: null' (a tainted origin) on the next request (and Chromium on its preflight too), and the final server's Access-Control-Allow-Origin, which names the page's origin or is missing, no longer matches.",
		Chromium: []CorsError{"AllowOriginMismatch", "MissingAllowOriginHeader", "PreflightAllowOriginMismatch"}, Firefox: []string{"CORSAllowOriginNotMatchingOrigin", "CORSMissingAllowOrigin2"},
		Fix: "Avoid the cross-origin redirect: call the final host directly. If that is not possible and no credentials are involved, the final server can answer Access-Control-Allow-Origin: *.",
		Ref: "Fetch Standard, redirect-taint",
	}
	ruleR03 = &Rule{
		ID: "CORS-R03", Title: "Redirect to a URL with a user name and password", Severity: Error,
		Doc:      "A redirect's Location holds credentials (https://user:pass@host/...). Browsers refuse to follow such a redirect for a CORS request.",
		Chromium: []CorsError{"RedirectContainsCredentials"}, Firefox: []string{"CORSDidNotSucceed2"},
		Fix: "Remove the user-info part from the redirect target; send credentials in a header instead.",
		Ref: "Fetch Standard, HTTP-redirect fetch step 8",
	}

	ruleR04 = &Rule{
		ID: "CORS-R04", Title: "Redirect to a URL that is not http or https", Severity: Error,
		Doc:      "A redirect's Location is not an http or https URL (data:, about:blank, ftp:, a custom scheme). A CORS request follows redirects only to http and https: Chromium refuses data: and about: before any check (net::ERR_UNSAFE_REDIRECT) and other schemes at the new URL's CORS check (CorsDisabledScheme); Firefox fails the request (CORS request did not succeed, then CORS request not http).",
		Chromium: []CorsError{"CorsDisabledScheme"}, Firefox: []string{"CORSDidNotSucceed2"},
		Fix: "Redirect to an https:// URL (a relative Location is resolved against the request's URL), not to {value}.",
		Ref: "Fetch Standard, HTTP-redirect fetch step 4 (a location URL whose scheme is not an HTTP(S) scheme is a network error)",
	}

	ruleR05 = &Rule{
		ID: "CORS-R05", Title: "Too many redirects: a redirect loop", Severity: Error,
		Doc:     "The request was redirected 20 times and the 21st response redirects again. Fetch follows at most 20 redirects, then fails the request with a network error: Chromium records net::ERR_TOO_MANY_REDIRECTS, Firefox keeps the 21 responses and prints \"CORS request did not succeed\" (Status code: (null)). The usual cause is a loop: a login redirect that sends back to the page it came from, a trailing-slash or http/https redirect whose target redirects back, an API gateway rewriting the URL in a circle. It is not a CORS problem, though Firefox's message says CORS.",
		Firefox: []string{"CORSDidNotSucceed2"},
		Fix:     "Follow the Location headers of the recorded hops to find the loop, and make the server answer the final URL instead of redirecting again.",
		Ref:     "Fetch Standard, HTTP-redirect fetch step 6 (a redirect count of 20 is a network error)",
	}

	// ruleL02 is retired: its ID is never reused, and --ignore and
	// --explain still accept it.
	ruleL02 = &Rule{
		ID: "CORS-L02", Title: "Private Network Access: preflight lacks Access-Control-Allow-Private-Network", Severity: Error,
		Retired: "Chromium 142 (2025-10-28) replaced Private Network Access with Local Network Access, a user permission without a preflight (CORS-L04); PNA preflights were never enforced, and the DevTools protocol dropped PreflightMissingAllowPrivateNetwork and PreflightInvalidAllowPrivateNetwork (2026-01-22).",
		Doc:     "Chromium's Private Network Access sent a preflight with Access-Control-Request-Private-Network: true when a page on a less private network called a private or loopback address, and wanted Access-Control-Allow-Private-Network: true back. No Chromium release blocked a request on it; harcors no longer reports it.",
		Fix:     "Nothing to do for PNA; see CORS-L04 for Local Network Access.",
		Ref:     "WICG Private Network Access (superseded by Local Network Access)",
	}

	ruleL04 = &Rule{
		ID: "CORS-L04", Title: "Local Network Access: permission denied or not asked", Severity: Error,
		Doc:      "A page on a public site requested an address in the local (private network: a router, a printer) or loopback (a service on localhost) address space, as Chromium names them since Local Network Access (the old 'private' is now 'local', the old 'local' is 'loopback'). Chromium 142 and later (Local Network Access) ask the user for permission first; the request fails when the permission is denied or dismissed, when the page is not a secure context (http), or when an iframe lacks allow=\"local-network\". No preflight is sent and the capture shows only a failed request, so harcors infers this from the addresses: a public page and a local or loopback target. Chromium's console line names the target's address space (loopback, local or unknown).",
		Chromium: []CorsError{"LocalNetworkAccessPermissionDenied"},
		Fix:      "Serve the page over https and let the user grant local network access when Chromium asks; delegate the permission to iframes with allow=\"local-network\" (or loopback-network); or route the call through the page's own server instead of the user's network.",
		Ref:      "WICG Local Network Access; Chromium LNA (kLocalNetworkAccessPermissionDenied)",
	}

	ruleN01 = &Rule{
		ID: "CORS-N01", Title: "Request failed at the network level, not CORS", Severity: Error,
		Doc:     "The request failed without a CORS error: the connection was refused or reset, the name did not resolve, TLS failed, or the response was empty. Users see 'Failed to fetch' and often blame CORS.",
		Firefox: []string{"CORSDidNotSucceed2"},
		Fix:     "Check that the server at the URL is up and reachable from the browser, and look at its logs for this request.",
		Ref:     "Fetch Standard, network error",
	}
	ruleN02 = &Rule{
		ID: "CORS-N02", Title: "Blocked by the browser or an extension, not CORS", Severity: Error,
		Doc: "The browser blocked the request for a reason other than CORS: an ad blocker or privacy extension (ERR_BLOCKED_BY_CLIENT), Opaque Response Blocking of a no-cors load of JSON or HTML (ERR_BLOCKED_BY_ORB), or Cross-Origin-Resource-Policy / Cross-Origin-Embedder-Policy (ERR_BLOCKED_BY_RESPONSE), mixed content (an https page calling http), or Chromium's Connection-Allowlist (the page's Connection-Allowlist header does not list the destination; DevTools shows a ConnectionAllowlistIssue).",
		Fix: "For ERR_BLOCKED_BY_CLIENT test without extensions; for ORB load data with fetch() in cors mode and serve images and scripts with their real Content-Type; for CORP send Cross-Origin-Resource-Policy: cross-origin; for mixed content call https; for Connection-Allowlist add the destination to the page's Connection-Allowlist header.",
		Ref: "Chromium net_error_list.h; Fetch Standard, ORB and CORP",
	}

	ruleU01 = &Rule{
		ID: "CORS-U01", Title: "Blocked; the capture does not show why", Severity: Error,
		Doc: "The browser marked the request as failed (status 0 or -1, net::ERR_FAILED), but the capture lacks what would show the check that failed: no preflight, no response headers. Playwright's recordHar keeps neither preflights nor headers of failed requests; proxies never see requests the browser did not send; a cached preflight leaves no entry.",
		Fix: "Capture again from Chrome or Edge DevTools (Network panel, 'Disable cache' on, then 'Export HAR'): it records the preflight and the blocked request's response.",
	}

	ruleW01 = &Rule{
		ID: "CORS-W01", Title: "Echoed origin without Vary: Origin", Severity: Warning,
		Doc: "The response echoes the request's origin in Access-Control-Allow-Origin but does not list Origin in Vary. A browser or shared cache (CDN, proxy) can then serve this response to a page on another origin, which fails with a mismatch, or serve a non-CORS copy without the header; failures then come and go.",
		Fix: "Send Vary: Origin with every response whose Access-Control-Allow-Origin depends on the request.",
		Fixes: map[Stack]string{
			Nginx:  "add_header Vary Origin always; next to the Access-Control-Allow-Origin line.",
			Apache: "Header merge Vary Origin",
		},
		Ref: "Fetch Standard, CORS protocol and HTTP caches",
	}
	ruleW02 = &Rule{
		ID: "CORS-W02", Title: "SameSite=None cookie without Secure", Severity: Warning,
		Doc: "A cross-origin response sets a cookie with SameSite=None but without Secure. Browsers reject such cookies, so later credentialed requests go without them and usually fail authentication (often reported as CORS).",
		Fix: "Set the cookie with SameSite=None; Secure (and serve the API over https; localhost counts as secure).",
		Ref: "RFC 6265bis, SameSite=None requires Secure",
	}
	ruleW03 = &Rule{
		ID: "CORS-W03", Title: "Cross-site cookie without SameSite", Severity: Warning,
		Doc: "A response to a cross-site request sets a cookie without a SameSite attribute. Browsers treat it as SameSite=Lax, so it is not sent with later cross-site fetches from the page; a cookie session across sites then fails.",
		Fix: "Set SameSite=None; Secure on cookies that must travel with cross-site requests, or serve the API from the same site as the page.",
		Ref: "RFC 6265bis, Lax by default",
	}
	ruleW04 = &Rule{
		ID: "CORS-W04", Title: "Response header not exposed to the page", Severity: Info,
		Doc: "The response carries a header that scripts usually read (pagination, Content-Disposition, Location, request ids) but Access-Control-Expose-Headers does not list it, so response.headers.get() returns null for it in the page.",
		Fix: "Add the header to Access-Control-Expose-Headers: {headers:value}.",
		Fixes: map[Stack]string{
			Express: "cors({ exposedHeaders: {headers:js} }).",
			Django:  "CORS_EXPOSE_HEADERS = {headers:py}.",
			Flask:   "CORS(app, expose_headers={headers:py}).",
			RsCors:  "cors.Options{ExposedHeaders: {headers:go}}.",
			Gin:     "cors.Config{ExposeHeaders: {headers:go}}.",
			Nginx:   "add_header Access-Control-Expose-Headers \"{headers:value}\" always;",
		},
		Ref: "Fetch Standard, CORS-safelisted response-header name",
	}
	ruleW05 = &Rule{
		ID: "CORS-W05", Title: "Access-Control-Allow-Origin: null", Severity: Warning,
		Doc: "The server allows the 'null' origin. Any sandboxed iframe or data: document can send 'Origin: null', so this opens the API to every site; with credentials it lets any site act as the user.",
		Fix: "Do not allowlist 'null'; serve the calling page from a real origin and allow that.",
		Ref: "Fetch Standard, CORS protocol and opaque origins",
	}
	ruleW06 = &Rule{
		ID: "CORS-W06", Title: "Preflight and response disagree on Access-Control-Allow-Origin", Severity: Info,
		Doc: "The preflight and the actual response carry different Access-Control-Allow-Origin values (or one carries none): two CORS layers (a gateway and the application, a framework and a middleware) answer the two requests with different configurations. It is fragile even when it passes.",
		Fix: "Configure CORS in one place so that OPTIONS and the actual request get the same answer.",
	}

	ruleW07 = &Rule{
		ID: "CORS-W07", Title: "Response body without Content-Type", Severity: Info,
		Doc: "The response has a body but no Content-Type header. fetch() in cors mode still reads it, but every other consumer has to guess: a no-cors load of the same URL (an <img>, a <script>, fetch mode 'no-cors') goes through Opaque Response Blocking, which sniffs the body and blocks JSON and HTML; caches and proxies may transform it; and without X-Content-Type-Options: nosniff browsers may sniff it as something executable.",
		Fix: "Send the real Content-Type (application/json; charset=utf-8 for JSON) and X-Content-Type-Options: nosniff.",
		Ref: "Fetch Standard, Opaque Response Blocking; MIME Sniffing Standard",
	}
)

// retired holds the rules no longer reported, whose IDs stay reserved.
var retired = []*Rule{ruleL02}

var catalogue = []*Rule{
	ruleA01, ruleA02, ruleA03, ruleA04, ruleA05, ruleA06, ruleA07, ruleA08, ruleA09,
	ruleL04,
	ruleN01, ruleN02,
	ruleP01, ruleP02, ruleP03, ruleP04, ruleP05, ruleP06, ruleP09,
	ruleP11, ruleP12, ruleP13, ruleP14, ruleP15, ruleP16, ruleP17, ruleP18, ruleP19, ruleP21, ruleP22,
	ruleR01, ruleR02, ruleR03, ruleR04, ruleR05,
	ruleU01,
	ruleW01, ruleW02, ruleW03, ruleW04, ruleW05, ruleW06, ruleW07,
}
