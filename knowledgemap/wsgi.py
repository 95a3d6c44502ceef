import os

from django.core.wsgi import get_wsgi_application

from core import allocator
from knowledgemap import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, the libraries: about 90,000 objects) lives as long as the
# process. Frozen, the garbage collector no longer walks it on every full collection: without this, one
# request in a few dozen paused for 50–80 ms while it did. What the process keeps per data version later
# is frozen after a full collection finds it slow (knowledgemap.collector).
collector.install()

# Large blocks freed go back to the system (core.allocator), not only the first few.
allocator.install()
