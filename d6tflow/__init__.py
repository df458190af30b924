"""``import ledgerflow.d6tflow as d6tflow``: d6tflow scripts run on ledgerflow by changing their import.

Only re-exports: the implementation is ``ledgerflow.service.d6tflow``. See docs/d6tflow.md.
"""

from ledgerflow.service.d6tflow import *  # noqa: F403
from ledgerflow.service.d6tflow import __all__ as __all__
