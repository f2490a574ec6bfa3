// KKZ custom functions: the Office.js side of the xlwings Server protocol.
//
// Served by `kkz serwer` at <address>/xlwings/custom-functions-code.js; the server replaces the
// placeholders (the call path includes the address's path prefix, e.g. /kkz, when the server
// is published under one) and appends one CustomFunctions.associate() per Excel function of
// the UDF module, with its argument names. It runs in the add-in's shared runtime
// (taskpane.html loads it), so it may use Excel.RequestContext and localStorage.
// Self-contained: no imports, no framework.
//
// Every failure becomes exactly one Excel error with a Polish message on the cell's error flag
// (the table is in docs/dodatek_excel.md, "Co widzi użytkownik"):
//   #ARG! (invalidValue)   the server refused the input: HTTP 4xx with {"detail": "..."}, the
//                          server's text; a request too big for the server, naming the
//                          argument; a token the browser cannot send;
//   #N/D! (notAvailable)   no usable answer: network error, time-out, proxy errors (5xx), an
//                          answer that is not the function's result (a login page, a cut
//                          body); the message starts "Serwer KKZ nie odpowiada".

"use strict";

const KKZ_CALL_URL = window.location.origin + "__KKZ_CALL_PATH__";
const KKZ_XLWINGS_VERSION = "__KKZ_XLWINGS_VERSION__";
const KKZ_MAX_BODY_BYTES = Number("__KKZ_MAX_BODY_BYTES__");
const KKZ_TIMEOUT_MS = Number("__KKZ_TIMEOUT_MS__");
const KKZ_TOKEN_KEY = "kkzServerToken";
const KKZ_NO_ANSWER = "Serwer KKZ nie odpowiada";
// What fetch() sends in a header unchanged: visible ASCII (the server checks the same).
const KKZ_TOKEN_PATTERN = /^[\x21-\x7e]+$/;

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
    // Excel shows #VALUE! (#ARG! in Polish Excel) or #N/A (#N/D!); the message is on the
    // error flag.
    throw new CustomFunctions.Error(code || CustomFunctions.ErrorCode.invalidValue, message);
  }
  return [[message]];
}

function kkzUnavailable(detail) {
  return kkzError(KKZ_NO_ANSWER + " " + detail, CustomFunctions.ErrorCode.notAvailable);
}

function kkzKilobytes(bytes) {
  return Math.ceil(bytes / 1000).toLocaleString("pl-PL") + " kB";
}

function kkzTooBig(names, args, size) {
  // Name the argument that makes the request too big: the largest one.
  let largest = 0;
  for (let i = 1; i < args.length; i++) {
    if (JSON.stringify(args[i]).length > JSON.stringify(args[largest]).length) {
      largest = i;
    }
  }
  const name = names[Math.min(largest, names.length - 1)] || "argumenty";
  const sizeText = size ? kkzKilobytes(size) + ", " : "";
  return kkzError(
    name + ": zakres za duży do wysłania na serwer KKZ (" + sizeText + "serwer przyjmuje " +
      "najwyżej " + kkzKilobytes(KKZ_MAX_BODY_BYTES) + "); zaznacz mniejszy zakres albo " +
      "poproś administratora o większe max_body_bytes",
  );
}

async function kkzCall(funcName, names, args, invocation) {
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
  const text = JSON.stringify(body);
  const size = new TextEncoder().encode(text).length;
  if (size > KKZ_MAX_BODY_BYTES) {
    return kkzTooBig(names, args, size);
  }
  const headers = { "Content-Type": "application/json" };
  let token = null;
  try {
    token = localStorage.getItem(KKZ_TOKEN_KEY);
  } catch (e) {
    token = null;
  }
  if (token) {
    if (!KKZ_TOKEN_PATTERN.test(token)) {
      return kkzError(
        "token dostępu zapisany w panelu KKZ zawiera znaki, których przeglądarka nie wyśle " +
          "(polskie litery, spacje); wklej w panelu token otrzymany od administratora",
      );
    }
    headers["Authorization"] = "Bearer " + token;
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, KKZ_TIMEOUT_MS);
  let response;
  let raw;
  try {
    response = await fetch(KKZ_CALL_URL, {
      method: "POST",
      headers: headers,
      body: text,
      signal: controller.signal,
    });
    raw = await response.text();
  } catch (e) {
    if (timedOut) {
      return kkzUnavailable(
        "(brak odpowiedzi w ciągu " + Math.round(KKZ_TIMEOUT_MS / 1000) + " s, " +
          KKZ_CALL_URL + ")",
      );
    }
    if (response) {
      return kkzUnavailable("poprawnie (odpowiedź przerwana w trakcie przesyłania)");
    }
    return kkzUnavailable("(brak połączenia z " + KKZ_CALL_URL + ")");
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    data = null;
  }
  const detail = data && typeof data.detail === "string" ? data.detail : null;
  if (response.status === 413) {
    return kkzTooBig(names, args, size);
  }
  if (response.status >= 400 && response.status < 500 && detail) {
    return kkzError(detail);
  }
  if (response.status >= 500 && detail) {
    // The KKZ server's own fault (incident number) or broken data on the server.
    return kkzError(detail, CustomFunctions.ErrorCode.notAvailable);
  }
  if (!response.ok) {
    const by = response.status >= 500 ? " od serwera pośredniczącego" : "";
    return kkzUnavailable("(HTTP " + response.status + by + ", " + KKZ_CALL_URL + ")");
  }
  if (!data || !Array.isArray(data.result)) {
    const type = (response.headers.get("content-type") || "").split(";")[0];
    const why = type.indexOf("json") >= 0 || data
      ? "odpowiedź niepełna albo bez wyniku"
      : "odpowiedź nie jest wynikiem funkcji (" + (type || "bez typu") +
        "), np. strona logowania serwera pośredniczącego";
    return kkzUnavailable("poprawnie (" + why + ")");
  }
  return data.result;
}

function kkzFunction(funcName, names) {
  return async function () {
    const args = Array.prototype.slice.call(arguments);
    const invocation = args.pop();
    return await kkzCall(funcName, names, args, invocation);
  };
}

// Generated associations follow.
