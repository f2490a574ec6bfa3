"""The last results of the table functions, kept for identical arguments.

The calculator reads each spilled table through a defined name, one cell at a time, and Excel
evaluates a defined name once per cell that reads it: a recalculation of Przepływy asks
``KKZ_PRZEPLYWY`` the same question some five hundred times. The first call computes, the
others copy the remembered table. Only successful results are kept, and an argument's type is
part of its key (``PRAWDA`` is not ``1``), so a refusal is never replaced by an earlier answer.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from copy import deepcopy
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

#: Remembered results per function: a workbook's tables (one per issue and function) fit.
MAX_ENTRIES = 64


def _key(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return ("seq", tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), _key(v)) for k, v in value.items())))
    hash(value)  # TypeError for anything else unhashable: not remembered
    return (type(value).__name__, value)


def remembered(func: F) -> F:
    """``func`` with its last :data:`MAX_ENTRIES` results kept by argument values; each
    caller gets its own copy (a table handed to Excel may be changed by the conversion)."""
    results: OrderedDict[Any, Any] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        try:
            key = _key(args)
        except TypeError:
            return func(*args)
        with lock:
            if key in results:
                results.move_to_end(key)
                return deepcopy(results[key])
        result = func(*args)
        with lock:
            results[key] = deepcopy(result)
            while len(results) > MAX_ENTRIES:
                results.popitem(last=False)
        return result

    wrapper.cache_clear = results.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
