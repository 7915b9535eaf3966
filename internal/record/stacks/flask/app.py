"""Flask + flask-cors stack of the harcors fixture recorder, on 127.0.0.1:8806.

Every scenario is its own small Flask app (its own CORS() call, hooks and
error handlers), and a tiny WSGI dispatcher picks the app by the first path
segment. The recorder starts this file with Debian's /usr/bin/python3; it
uses Werkzeug's development server, as `flask run` does.
"""
import os

from flask import Flask, jsonify, request
from flask_cors import CORS, cross_origin
from werkzeug.serving import run_simple

PAGE = "http://localhost:8800"
apps = {}


def scenario(name, **flask_config):
    app = Flask(name)
    app.config.update(flask_config)
    apps[name] = app
    return app


def ok():
    return jsonify(ok=True)


# CORS(app) with no options: Access-Control-Allow-Origin: *.
a = scenario("cors-default-ok")
CORS(a)
a.add_url_rule("/cors-default-ok", view_func=ok)

# Token check in before_request, which also runs for the preflight. Flask
# still runs after_request hooks on the 401, so flask-cors decorates it.
a = scenario("before-request-auth-401")
CORS(a)


@a.before_request
def require_token():
    if "Authorization" not in request.headers:
        return jsonify(error="missing token"), 401


a.add_url_rule("/before-request-auth-401", view_func=ok)

# PROPAGATE_EXCEPTIONS (what debug mode turns on): the exception leaves
# Flask, and the server's bare 500 has no CORS headers (flask-cors#210).
a = scenario("debug-500-no-cors", PROPAGATE_EXCEPTIONS=True)
CORS(a)


@a.route("/debug-500-no-cors", methods=["POST"])
def debug_500():
    raise RuntimeError("boom")


# An errorhandler(500) in production mode: flask-cors decorates it.
a = scenario("errorhandler-500-ok")
CORS(a)


@a.route("/errorhandler-500-ok", methods=["POST"])
def handled_500():
    raise RuntimeError("boom")


@a.errorhandler(500)
def json_500(e):
    return jsonify(error="internal error"), 500


# supports_credentials=True with the default origins "*".
a = scenario("supports-credentials-default-origins")
CORS(a, supports_credentials=True)
a.add_url_rule("/supports-credentials-default-origins", view_func=ok)

# resources limited to /api/*: this route is outside it, so no headers.
a = scenario("resources-regex-miss")
CORS(a, resources={r"/api/*": {"origins": "*"}})
a.add_url_rule("/resources-regex-miss", view_func=ok)

# A route declared with a trailing slash: Werkzeug redirects the
# preflight for the URL without it (308).
a = scenario("strict-slashes-308")
CORS(a)
a.add_url_rule("/strict-slashes-308/", view_func=ok, methods=["GET", "PUT"])

# The right way for cookies: an origin list and supports_credentials.
a = scenario("origins-list-credentials-ok")
CORS(a, origins=[PAGE, "https://app.example.com"], supports_credentials=True)
a.add_url_rule("/origins-list-credentials-ok", view_func=ok, methods=["GET", "PUT"])

# allow_headers restricted to Content-Type; the page sends X-Custom-Header.
a = scenario("allow-headers-restricted")
CORS(a, allow_headers=["Content-Type"])
a.add_url_rule("/allow-headers-restricted", view_func=ok)

# @cross_origin() on one view with its methods (passes).
a = scenario("cross-origin-decorator-ok")


@a.route("/cross-origin-decorator-ok", methods=["GET", "DELETE"])
@cross_origin(methods=["GET", "DELETE"], max_age=600)
def decorated():
    return ok()


# expose_headers missing: the page reads X-Total-Count and gets null.
a = scenario("expose-headers-missing")
CORS(a)


@a.route("/expose-headers-missing")
def counted():
    resp = ok()
    resp.headers["X-Total-Count"] = "42"
    return resp


# ---- Proofs: each failing scenario above with harcors' fix applied ----
# (app <name>-fixed; proof entries in scenarios_flask.go)

# CORS-P16: CORS(app, allow_headers=['Content-Type', '{header}', ...]).
a = scenario("allow-headers-restricted-fixed")
CORS(a, allow_headers=['Content-Type', 'x-custom-header'])
a.add_url_rule("/allow-headers-restricted-fixed", view_func=ok)

# CORS-P02: the before_request auth hook returns early for OPTIONS.
a = scenario("before-request-auth-401-fixed")
CORS(a)


@a.before_request
def require_token_fixed():
    if request.method == 'OPTIONS':
        return None
    if "Authorization" not in request.headers:
        return jsonify(error="missing token"), 401


a.add_url_rule("/before-request-auth-401-fixed", view_func=ok)

# CORS-A02: still PROPAGATE_EXCEPTIONS, but an error handler that returns
# a response, so after_request (and flask-cors) runs on the 500.
a = scenario("debug-500-no-cors-fixed", PROPAGATE_EXCEPTIONS=True)
CORS(a)


@a.route("/debug-500-no-cors-fixed", methods=["POST"])
def debug_500_fixed():
    raise RuntimeError("boom")


@a.errorhandler(Exception)
def json_exception(e):
    return jsonify(error="internal error"), 500


# CORS-A01: CORS(app, origins=['{origin}']) on the whole app.
a = scenario("resources-regex-miss-fixed")
CORS(a, origins=[PAGE])
a.add_url_rule("/resources-regex-miss-fixed", view_func=ok)

# CORS-P04: the route keeps its slash, declared with strict_slashes=False.
a = scenario("strict-slashes-308-fixed")
CORS(a)
a.add_url_rule("/strict-slashes-308-fixed/", view_func=ok, methods=["GET", "PUT"], strict_slashes=False)


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no such scenario\n"]


def dispatch(environ, start_response):
    first = environ.get("PATH_INFO", "/").split("/")[1]
    return apps.get(first, not_found)(environ, start_response)


if __name__ == "__main__":
    run_simple("127.0.0.1", int(os.environ.get("PORT", "8806")), dispatch, threaded=True)
