"""Cluster mode: jobs run on Celery workers fed through RabbitMQ; the PostgreSQL log decides."""
