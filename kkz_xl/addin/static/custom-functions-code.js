// KKZ custom functions: the Office.js side of the xlwings Server protocol.
//
// Served by `kkz serwer` at /xlwings/custom-functions-code.js; the server replaces the
// placeholders and appends one CustomFunctions.associate() per Excel function of the UDF
// module. It runs in the add-in's shared runtime (taskpane.html loads it), so it may use
// Excel.RequestContext and localStorage. Self-contained: no imports, no framework.
//
// Errors: the server answers HTTP 400 with {"detail": "<Polish message>"} for bad input
// and 500 for its own faults; both become an Excel error value whose message (shown on
// the cell's error flag) is the server's text.

"use strict";

const KKZ_CALL_URL = window.location.origin + "__KKZ_CALL_PATH__";
const KKZ_XLWINGS_VERSION = "__KKZ_XLWINGS_VERSION__";
const KKZ_TOKEN_KEY = "kkzServerToken";
const KKZ_TIMEOUT_MS = 60000;

let kkzRuntime = "1.1";
let kkzCulture = null; // {name, dateFormat, workbook}

function kkzSessionId() {
  try {
    let id = localStorage.getItem("kkzSessionId");
    if (!id) {
      id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
      localStorage.setItem("kkzSessionId", id);
    }
    return id;
  } catch (e) {
    return null;
  }
}
const kkzSession = kkzSessionId();

Office.onReady(function () {
  for (const version of ["1.4", "1.3", "1.2"]) {
    if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", version)) {
      kkzRuntime = version;
      break;
    }
  }
});

async function kkzCultureInfo() {
  if (kkzCulture) {
    return kkzCulture;
  }
  const context = new Excel.RequestContext();
  const culture = context.application.cultureInfo;
  culture.load("name");
  culture.datetimeFormat.load("shortDatePattern");
  context.workbook.load("name");
  await context.sync();
  kkzCulture = {
    name: culture.name,
    dateFormat: culture.datetimeFormat.shortDatePattern,
    workbook: context.workbook.name,
  };
  return kkzCulture;
}

function kkzError(message, code) {
  if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", "1.2")) {
    // Excel shows #VALUE! (#ARG! in Polish Excel); the message is on the error flag.
    throw new CustomFunctions.Error(code || CustomFunctions.ErrorCode.invalidValue, message);
  }
  return [[message]];
}

async function kkzCall(funcName, args, invocation) {
  await Office.onReady();
  const culture = await kkzCultureInfo();
  const body = {
    client: "Office.js",
    func_name: funcName,
    args: args,
    caller_address: invocation && invocation.address
      ? "[" + culture.workbook + "]" + invocation.address
      : null,
    session_id: kkzSession,
    culture_info_name: culture.name,
    date_format: culture.dateFormat,
    version: KKZ_XLWINGS_VERSION,
    runtime: kkzRuntime,
  };
  const headers = { "Content-Type": "application/json" };
  let token = null;
  try {
    token = localStorage.getItem(KKZ_TOKEN_KEY);
  } catch (e) {
    token = null;
  }
  if (token) {
    headers["Authorization"] = "Bearer " + token;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), KKZ_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(KKZ_CALL_URL, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (e) {
    return kkzError(
      "Serwer KKZ nie odpowiada (" + KKZ_CALL_URL + ")",
      CustomFunctions.ErrorCode.notAvailable,
    );
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.detail) || "Błąd serwera KKZ (HTTP " + response.status + ")";
    return kkzError(message);
  }
  return data.result;
}

function kkzFunction(funcName) {
  return async function () {
    const args = Array.prototype.slice.call(arguments);
    const invocation = args.pop();
    return await kkzCall(funcName, args, invocation);
  };
}

// Generated associations follow.
