# The KKZ add-in server (Office.js custom functions) for a regional centre or a gmina.
#
#   docker build -t kkz-serwer .
#   docker run -d --name kkz -p 127.0.0.1:8000:8000 \
#     -e KKZ_SERVER_PUBLIC_URL=https://kkz.powiat.example.pl \
#     -e KKZ_SERVER_TOKEN="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
#     kkz-serwer
#
# TLS is the reverse proxy's job (nginx or Caddy in front, see docs/dodatek_excel.md); the
# container speaks plain HTTP and should only be published on the host's loopback, as above.
# The same commands run without Docker: tests/test_addin_deploy.py installs and starts it so.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Only what the server needs: the package and the UDF module (no tests, workbooks, docs).
COPY pyproject.toml README.md ./
COPY kkz_xl ./kkz_xl
COPY udfs ./udfs
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home --home-dir /app kkz

# The UDF module is not inside the installed package: tell the server where it is.
ENV KKZ_UDFS_DIR=/app/udfs \
    KKZ_SERVER_HOST=0.0.0.0 \
    KKZ_SERVER_PORT=8000 \
    KKZ_SERVER_WORKERS=2 \
    MPLCONFIGDIR=/tmp/matplotlib

USER kkz
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/zdrowie' % os.environ.get('KKZ_SERVER_PORT', '8000'), timeout=4).status == 200 else 1)"

# Stops on SIGTERM (docker stop): the worker supervisor ends its workers.
CMD ["kkz", "serwer"]
