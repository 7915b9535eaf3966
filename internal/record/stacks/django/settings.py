"""Settings of the Django + django-cors-headers stack, 127.0.0.1:8807.

MIDDLEWARE is in the order many projects have it: CorsMiddleware added
below CommonMiddleware and below a token-auth middleware, although the
django-cors-headers README asks to put it as high as possible, above
CommonMiddleware in particular. Several scenarios show what that order does.
"""
SECRET_KEY = "harcors-fixture-recorder-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
USE_TZ = True
APPEND_SLASH = True

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "middleware.TokenAuthMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

CORS_ALLOWED_ORIGINS = [
    "http://localhost:8800",
    "https://app.example.com",
]
CORS_ALLOW_CREDENTIALS = True
# CORS only for the URLs this matches (usually r"^/api/.*$"); here every
# URL but the one scenario that shows a URL left out.
CORS_URLS_REGEX = r"^/(?!urls-regex-excluded).*$"

DATABASES = {}
LOGGING = {"version": 1, "disable_existing_loggers": True}
