"""Answering one Office.js custom-function call: check the request, run the UDF, shape errors.

Input errors (a malformed request, an unknown function, a bad argument) become
:class:`CallRejectedError` with a Polish message and HTTP 400; the glue script shows the message
on the cell's error flag. Anything else is a bug: HTTP 500 with an incident number, the
traceback only in the server log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kkz_xl.addin.server_mode import enable_server_mode

enable_server_mode()  # before xlwings is first imported: its decorators are chosen then

import xlwings.server  # noqa: E402

from kkz_xl.addin.registry import Udf, UdfRegistry  # noqa: E402
from kkz_xl.errors import DataError, KKZError  # noqa: E402
from kkz_xl.excel.convert import MAX_MAGNITUDE, cell_place  # noqa: E402
from kkz_xl.model.validation import polish_validation_message  # noqa: E402

logger = logging.getLogger("kkz_xl.addin")

#: Excel's error names as Office.js sends them in an error cell's ``errorType``.
EXCEL_ERRORS = {
    "Div0": "#DZIEL/0!",
    "NotAvailable": "#N/D!",
    "Name": "#NAZWA?",
    "Null": "#ZERO!",
    "Num": "#LICZBA!",
    "Ref": "#ADR!",
    "Value": "#ARG!",
}
#: What a non-finite number becomes in a cell (JSON has no NaN or infinity).
NUM_ERROR = {"type": "Error", "errorType": "Num"}
#: Threads running the functions: a long Monte Carlo must not stall everyone else's cells,
#: and numpy releases the GIL for most of its work.
WORKER_THREADS = 8

_worker_state = threading.local()


def _init_worker() -> None:
    _worker_state.loop = asyncio.new_event_loop()


_workers = ThreadPoolExecutor(
    max_workers=WORKER_THREADS, thread_name_prefix="kkz-udf", initializer=_init_worker
)


def _run_in_worker(data: dict[str, Any], module: Any) -> Any:
    """xlwings' (async) call, run to completion on this worker thread's own event loop."""
    return _worker_state.loop.run_until_complete(
        xlwings.server.custom_functions_call(data, module)
    )


class CallRejectedError(Exception):
    """The request cannot be answered; ``message`` is Polish and safe to show."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class CallRequest(BaseModel):
    """The body Office.js posts; only the fields the server relies on are checked."""

    model_config = ConfigDict(extra="ignore")

    client: str
    func_name: str
    args: list[Any]
    version: str
    runtime: str
    caller_address: str | None = None
    session_id: str | None = None
    culture_info_name: str | None = None
    date_format: str | None = None


def parse_request(body: bytes) -> CallRequest:
    """JSON → :class:`CallRequest`, or a Polish 400."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CallRejectedError("żądanie: treść nie jest poprawnym JSON-em") from None
    if not isinstance(data, dict):
        raise CallRejectedError("żądanie: oczekiwano obiektu JSON z polami func_name i args")
    try:
        return CallRequest.model_validate(data)
    except ValidationError as err:
        raise CallRejectedError(f"żądanie: {polish_validation_message(err)}") from None


def _cell_problem(cell: Any) -> str | None:
    """Why a cell value cannot be passed to a function, or None when it can."""
    if cell is None or isinstance(cell, bool | int | float | str):
        if isinstance(cell, float) and not math.isfinite(cell):
            return "liczba nieskończona"
        return None
    if isinstance(cell, dict):
        kind = cell.get("type")
        if kind == "Error":
            shown = EXCEL_ERRORS.get(str(cell.get("errorType")), "#ARG!")
            return f"komórka zawiera błąd {shown}"
        if isinstance(kind, str) and "basicValue" in cell:
            return _cell_problem(cell["basicValue"])
    return "nieobsługiwany rodzaj wartości"


def _as_excel_number(cell: Any) -> Any:
    """Excel has only doubles; JSON writes an integral one as ``100``, which Python reads as an
    int. Make it the float that classic xlwings would pass."""
    if isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) <= MAX_MAGNITUDE:
        return float(cell)
    return cell  # too large for a double: left for the function's check to refuse by name


def check_args(udf: Udf, args: list[Any]) -> list[Any]:
    """Shape and content of the arguments, numbers as floats; missing trailing optional ones
    are filled as empty."""
    if udf.max_args is not None and len(args) > udf.max_args:
        raise CallRejectedError(
            f"{udf.excel_name}: za dużo argumentów ({len(args)}), "
            f"funkcja przyjmuje najwyżej {udf.max_args}"
        )
    for position, arg in enumerate(args):
        name = udf.params[min(position, len(udf.params) - 1)].name
        rows = arg if isinstance(arg, list) else [[arg]]
        width = max((len(r) for r in rows if isinstance(r, list)), default=0)
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, list):
                raise CallRejectedError(f"{name}: oczekiwano zakresu komórek (listy wierszy)")
            for j, cell in enumerate(row, start=1):
                problem = _cell_problem(cell)
                if problem:
                    # Worded as kkz_xl.excel.convert words it for classic xlwings.
                    where = cell_place(i, j, len(rows), width)
                    if problem.startswith("komórka"):
                        problem = problem.replace("komórka", f"komórka{where}", 1)
                    elif where:
                        problem = f"komórka{where}: {problem}"
                    raise CallRejectedError(f"{name}: {problem}")
    padded = [
        [[_as_excel_number(c) for c in row] for row in arg] if isinstance(arg, list)
        else _as_excel_number(arg)
        for arg in args
    ]
    for param in udf.params[len(args):]:
        if not param.optional and not udf.vararg:
            raise CallRejectedError(f"{udf.excel_name}: brak wymaganego argumentu {param.name}")
        if not udf.vararg:
            padded.append([[None]])
    return padded


def finite_cells(value: Any) -> Any:
    """Replace NaN and infinities, which JSON cannot carry, by Excel's #NUM! error."""
    if isinstance(value, float) and not math.isfinite(value):
        return NUM_ERROR
    if isinstance(value, list):
        return [finite_cells(v) for v in value]
    return value


async def answer(registry: UdfRegistry, body: bytes) -> dict[str, Any]:
    """Run one call and return the JSON Office.js expects: ``{"result": [[…]]}``."""
    request = parse_request(body)
    udf = registry.functions.get(request.func_name)
    if udf is None:
        raise CallRejectedError(f"nieznana funkcja: {request.func_name}")
    data = request.model_dump()
    data["args"] = check_args(udf, request.args)
    try:
        result = await asyncio.wrap_future(
            _workers.submit(_run_in_worker, data, registry.module)
        )
    except DataError as err:
        # Broken product data on the server: not the user's fault, but a readable message.
        logger.error("data error in %s: %s", udf.python_name, err)
        raise CallRejectedError(str(err), status=500) from None
    except KKZError as err:
        raise CallRejectedError(str(err)) from None
    except ValidationError as err:
        raise CallRejectedError(polish_validation_message(err)) from None
    return {"result": finite_cells(result)}


def internal_error() -> CallRejectedError:
    """A 500 for a bug: logged with its traceback under an incident number the user can quote."""
    incident = uuid.uuid4().hex[:8]
    logger.exception("internal error, incident %s", incident)
    return CallRejectedError(
        f"błąd wewnętrzny serwera KKZ (zgłoś administratorowi numer zdarzenia {incident})",
        status=500,
    )
