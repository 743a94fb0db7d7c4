# The API in a container: `docker compose up` (compose.yaml) runs it beside Neo4j.
# Unverified: no Docker engine runs where this project is built and tested, so this
# file has never been built; tests/test_container.py only checks what it copies.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin fupin
WORKDIR /app

# The locked versions, but only what the API needs: the lock is a constraint here,
# so the development tools it also pins (pytest, mypy, ruff) are not installed.
COPY requirements.lock pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY seeds ./seeds
RUN pip install --constraint requirements.lock . && rm -rf build *.egg-info

USER fupin
ENV FUPIN_MODE=production \
    API_HOST=0.0.0.0 \
    API_PORT=8000
EXPOSE 8000
CMD ["fupin", "serve"]
