"""One URL per scenario of the Django stack."""
from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def ok(request):
    return JsonResponse({"ok": True})


@csrf_exempt
def ok_any(request):
    return JsonResponse({"ok": True, "method": request.method})


def missing(request):
    raise Http404("no such item")


def counted(request):
    resp = JsonResponse({"ok": True})
    resp["X-Total-Count"] = "42"
    return resp


urlpatterns = [
    path("cors-ok", ok),
    path("credentials-put-json-ok", ok_any),
    # Declared with a slash: APPEND_SLASH makes CommonMiddleware answer the
    # URL without it with a 301, a response made after CorsMiddleware ran.
    path("append-slash-redirect/", ok),
    path("protected-preflight-401", ok),
    path("view-404-readable", missing),
    path("custom-header-not-allowed", ok),
    path("urls-regex-excluded", ok),
    path("delete-ok", ok_any),
    # Not csrf_exempt: a cookie-less POST fails the CSRF check with 403.
    path("csrf-403-readable", ok),
    path("expose-headers-missing", counted),
]
