# Minimal image; the operations issue hardens it further (non-root user is already set).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KRA_ENV=production
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
RUN uv pip install --system --no-cache .
RUN useradd --system --uid 10001 kra
USER kra
EXPOSE 8000
CMD ["kra-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
