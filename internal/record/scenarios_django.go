package main

import "github.com/harcors/harcors/analyze"

// Scenarios of the "django" stack: Django with django-cors-headers
// (Debian's packages) on http://127.0.0.1:8807, project in stacks/django.
// One settings file serves all of them, with CorsMiddleware placed below
// CommonMiddleware and a token-auth middleware, as many projects have it.

func startDjango(env *stackEnv) (func(), error) {
	return startChild(env, "django", 8807, env.Dir("django"), []string{"PYTHONDONTWRITEBYTECODE=1"},
		debianPython, "manage.py", "runserver", "127.0.0.1:8807", "--noreload")
}

func init() {
	register("django",
		&Scenario{Name: "cors-ok", Description: "CORS_ALLOWED_ORIGINS lists the page and CORS_ALLOW_CREDENTIALS is on: a credentialed GET passes",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "credentials-put-json-ok", Description: "Credentialed JSON PUT; the default CORS_ALLOW_HEADERS include content-type (passes)",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`},
		&Scenario{Name: "append-slash-redirect", Description: "The URL pattern ends in a slash and CorsMiddleware sits below CommonMiddleware: APPEND_SLASH's 301 goes out without CORS headers",
			JS: `await f(URL)`},
		&Scenario{Name: "protected-preflight-401", Description: "A token-auth middleware above CorsMiddleware answers the preflight 401 before django-cors-headers sees it",
			JS: `await f(URL, {headers: {'Authorization': 'Token abc123'}})`},
		&Scenario{Name: "view-404-readable", Description: "The view raises Http404; the 404 passes through CorsMiddleware and carries its headers, so the page can read it (passes CORS)",
			JS: `await f(URL)`},
		&Scenario{Name: "custom-header-not-allowed", Description: "The page sends X-Custom-Header, which is not in the default CORS_ALLOW_HEADERS",
			JS: `await f(URL, {headers: {'X-Custom-Header': 'yes'}})`},
		&Scenario{Name: "urls-regex-excluded", Description: "CORS_URLS_REGEX does not match this URL, so django-cors-headers adds nothing",
			JS: `await f(URL)`},
		&Scenario{Name: "delete-ok", Description: "DELETE, in the default CORS_ALLOW_METHODS (passes)",
			JS: `await f(URL, {method: 'DELETE'})`},
		&Scenario{Name: "csrf-403-readable", Description: "A credentialed JSON POST without a CSRF token: CsrfViewMiddleware answers 403, with CORS headers, so the page reads the 403 (passes CORS)",
			JS: `await f(URL, {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "expose-headers-missing", Description: "CORS_EXPOSE_HEADERS left empty: the GET passes but the page reads X-Total-Count as null",
			JS: `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`},
	)
}

// startDjangoFixed runs the same project with stacks/django/settings_fixed.py:
// harcors' fixes for the django scenarios applied to one settings file.
func startDjangoFixed(env *stackEnv) (func(), error) {
	return startChild(env, "django-fixed", 8817, env.Dir("django"),
		[]string{"PYTHONDONTWRITEBYTECODE=1", "DJANGO_SETTINGS_MODULE=settings_fixed"},
		debianPython, "manage.py", "runserver", "127.0.0.1:8817", "--noreload")
}

// Proofs of harcors' django-cors-headers fixes: the failing django
// scenarios again, on the "django-fixed" stack.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name, Proves: proof("django--"+name, rule, analyze.Django, hash, keys...)}
	}
	slash := fixed("append-slash-redirect", "CORS-R01", "ba055d5c8ba1", "'corsheaders.middleware.CorsMiddleware'")
	slash.JS = `await f(URL + '/')`
	register("django-fixed",
		slash,
		fixed("custom-header-not-allowed", "CORS-P16", "04f583b560cd", "CORS_ALLOW_HEADERS = (*default_headers, '"),
		fixed("protected-preflight-401", "CORS-P02", "f12728fab48e"),
		fixed("urls-regex-excluded", "CORS-A01", "9fbe5ced3f8d", "'corsheaders.middleware.CorsMiddleware'"),
	)
}
