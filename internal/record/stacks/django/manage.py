"""Entry point of the Django stack (run by the recorder as
`/usr/bin/python3 manage.py runserver 127.0.0.1:8807 --noreload`)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
