"""``ledgerflow.d6tflow.tasks``: d6tflow's task classes (``import ledgerflow.d6tflow.tasks`` works too)."""

from ledgerflow.service.d6tflow.tasks import *  # noqa: F403
from ledgerflow.service.d6tflow.tasks import __all__ as __all__
