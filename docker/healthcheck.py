"""Container healthcheck for the web service: GET /healthz on the local port,
with the first allowed host as Host header. Exit 0 when healthy."""

import os
import sys
import urllib.error
import urllib.request

host = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")[0].strip()
request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed local URL
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
