"""The Django stack with harcors' fixes applied, 127.0.0.1:8817.

The same project as settings.py (same URLs, same views), run a second time
to prove the fixes harcors prints for the django scenarios that fail:
CorsMiddleware at the top of MIDDLEWARE (above CommonMiddleware and the
token-auth middleware), the custom header added to CORS_ALLOW_HEADERS, and
a CORS_URLS_REGEX that covers every URL.
"""
from corsheaders.defaults import default_headers

from settings import *  # noqa: F401,F403

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "middleware.TokenAuthMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

CORS_ALLOW_HEADERS = (*default_headers, 'x-custom-header')
CORS_URLS_REGEX = r"^/.*$"
