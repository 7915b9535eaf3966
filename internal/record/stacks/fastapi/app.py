"""FastAPI + Starlette CORSMiddleware stack of the harcors fixture recorder,
on 127.0.0.1:8811.

Every scenario is its own FastAPI app (its own middleware stack), and a
small ASGI dispatcher picks the app by the first path segment. The recorder
starts this file with Debian's /usr/bin/python3 (python3-fastapi,
python3-starlette, python3-uvicorn); uvicorn sends its "server: uvicorn"
header, as it does by default in production too.

Starlette's add_middleware puts each new middleware OUTSIDE the ones added
before it, and its ServerErrorMiddleware is always the outermost: the
order and the error scenarios below are about exactly that.
"""
import os

import uvicorn
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

PAGE = "http://localhost:8800"
apps = {}


def scenario(name):
    app = FastAPI()
    apps[name] = app
    return app


def ok():
    return {"ok": True}


# allow_origins lists the page: a simple GET passes.
a = scenario("cors-ok")
a.add_middleware(CORSMiddleware, allow_origins=[PAGE])
a.get("/cors-ok")(ok)

# The allowlist entry is a URL with a trailing slash: Starlette answers the
# preflight 400 "Disallowed CORS origin".
a = scenario("origin-trailing-slash")
a.add_middleware(CORSMiddleware, allow_origins=[PAGE + "/"], allow_methods=["*"], allow_headers=["*"])
a.put("/origin-trailing-slash")(ok)

# allow_origins=["*"] with allow_credentials=True: without a Cookie header
# Starlette sends * together with Allow-Credentials: true.
a = scenario("star-credentials")
a.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
a.get("/star-credentials")(ok)

# allow_headers left at its default (none beyond the safelisted ones): the
# preflight for Authorization gets 400 "Disallowed CORS headers".
a = scenario("headers-default")
a.add_middleware(CORSMiddleware, allow_origins=[PAGE])
a.get("/headers-default")(ok)

# No CORSMiddleware; the route sets Access-Control-Allow-Origin itself and
# nothing answers OPTIONS: the preflight gets FastAPI's 405.
a = scenario("no-middleware-405")


@a.put("/no-middleware-405")
def put_with_header():
    return JSONResponse({"ok": True}, headers={"Access-Control-Allow-Origin": PAGE})


# An auth middleware added after CORSMiddleware is outside it, so it answers
# the preflight (which has no token) with 401 before CORS runs.
a = scenario("auth-outside-cors")
a.add_middleware(CORSMiddleware, allow_origins=[PAGE], allow_headers=["Authorization"])


@a.middleware("http")
async def require_token(request: Request, call_next):
    if "authorization" not in request.headers:
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)
    return await call_next(request)


a.get("/auth-outside-cors")(ok)

# An unhandled exception: ServerErrorMiddleware, outside CORSMiddleware,
# answers 500 "Internal Server Error" without CORS headers.
a = scenario("exception-500")
a.add_middleware(CORSMiddleware, allow_origins=[PAGE])


@a.get("/exception-500")
def boom():
    raise RuntimeError("boom")


# ---- Proofs: each failing scenario above with harcors' fix applied ----
# (app <name>-fixed; proof entries in scenarios_fastapi.go)

# CORS-P03: the origin as the browser sends it, and what the page asks for.
a = scenario("origin-trailing-slash-fixed")
a.add_middleware(CORSMiddleware, allow_origins=['http://localhost:8800'], allow_methods=['PUT'], allow_headers=['content-type'])
a.put("/origin-trailing-slash-fixed")(ok)

a = scenario("headers-default-fixed")
a.add_middleware(CORSMiddleware, allow_origins=['http://localhost:8800'], allow_methods=['GET'], allow_headers=['authorization'])
a.get("/headers-default-fixed")(ok)

# CORS-A07: the page's origin with allow_credentials=True.
a = scenario("star-credentials-fixed")
a.add_middleware(CORSMiddleware, allow_origins=['http://localhost:8800'], allow_credentials=True)
a.get("/star-credentials-fixed")(ok)

# CORS-P01: CORSMiddleware answers OPTIONS instead of a header in the route.
a = scenario("no-middleware-405-fixed")
a.add_middleware(CORSMiddleware, allow_origins=['http://localhost:8800'], allow_methods=['PUT'])
a.put("/no-middleware-405-fixed")(ok)

# CORS-P02: CORSMiddleware added after the auth middleware, so outermost.
a = scenario("auth-outside-cors-fixed")


@a.middleware("http")
async def require_token_fixed(request: Request, call_next):
    if "authorization" not in request.headers:
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)
    return await call_next(request)


a.add_middleware(CORSMiddleware, allow_origins=[PAGE], allow_headers=["Authorization"])
a.get("/auth-outside-cors-fixed")(ok)

# CORS-A02: the whole app wrapped, so the 500 passes through CORSMiddleware.
app = scenario("exception-500-fixed")


@app.get("/exception-500-fixed")
def boom_fixed():
    raise RuntimeError("boom")


app = CORSMiddleware(app, allow_origins=['http://localhost:8800'])
apps["exception-500-fixed"] = app


async def not_found(scope, receive, send):
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"no such scenario\n"})


async def dispatch(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        while message["type"] != "lifespan.shutdown":
            await send({"type": message["type"] + ".complete"})
            message = await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    first = scope.get("path", "/").split("/")[1]
    await apps.get(first, not_found)(scope, receive, send)


if __name__ == "__main__":
    uvicorn.run(dispatch, host="127.0.0.1", port=int(os.environ.get("PORT", "8811")), log_level="warning")
