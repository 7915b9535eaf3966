"""A token check like the ones projects write: it guards /protected-*
and knows nothing about preflights, which never carry the token."""
from django.http import JsonResponse


class TokenAuthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/protected-") and "HTTP_AUTHORIZATION" not in request.META:
            return JsonResponse({"error": "authentication required"}, status=401)
        return self.get_response(request)
