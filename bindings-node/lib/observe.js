'use strict';
// Observability: the per-call hook (`new Client(config, { onCall })`) and the bridge of the
// core's logs to a JavaScript function (`setLogger`). The native layer hands JSON text to the
// functions made here; nothing thrown by the user's function escapes into the native layer.

const native = require('../native.js');
const gen = require('../generated.js');

const LEVELS = new Set(['error', 'warn', 'info', 'debug', 'trace']);

let currentLogger = null;

/** Reports an exception thrown by a user's hook: to the logger if there is one. */
function reportHookError(what, error) {
  const message = `${what} threw; the call's result is unaffected: ${error && error.stack ? error.stack : String(error)}`;
  if (currentLogger) {
    try {
      currentLogger({ level: 'error', target: 'connector_service', message, fields: {} });
      return;
    } catch {
      // fall through to the warning
    }
  }
  process.emitWarning(message, { code: 'CONNECTOR_SERVICE_HOOK' });
}

/** The function the native client calls with each record's JSON. */
function nativeObserver(onCall) {
  if (typeof onCall !== 'function') {
    throw new TypeError(`onCall must be a function, not ${onCall === null ? 'null' : typeof onCall}`);
  }
  return (json) => {
    try {
      onCall(gen.fromWire.CallRecord(JSON.parse(json), ''));
    } catch (e) {
      reportHookError('the onCall hook', e);
    }
  };
}

function filterOf(level) {
  if (typeof level !== 'string' || level.trim() === '') {
    throw new TypeError('the log level must be "error", "warn", "info", "debug", "trace" or a RUST_LOG-style filter');
  }
  return LEVELS.has(level) ? `connector_service=${level}` : level;
}

function nativeError(e) {
  return new gen.ERROR_CLASSES.configuration({ code: 'configuration', message: e.message, retryable: false });
}

function setLogger(logger, options) {
  if (logger != null && typeof logger !== 'function') {
    throw new TypeError('the logger must be a function or null');
  }
  const level = options && options.level != null ? filterOf(options.level) : null;
  currentLogger = logger || null;
  const sink = logger
    ? (json) => {
        try {
          logger(JSON.parse(json));
        } catch (e) {
          process.emitWarning(`the connector-service logger threw: ${e && e.stack ? e.stack : String(e)}`, { code: 'CONNECTOR_SERVICE_HOOK' });
        }
      }
    : null;
  try {
    native.setLogSink(sink, 'connector_service=info');
    if (level) native.setLogFilter(level);
  } catch (e) {
    throw nativeError(e);
  }
}

function setLogLevel(level) {
  try {
    native.setLogFilter(filterOf(level));
  } catch (e) {
    if (e instanceof TypeError) throw e;
    throw nativeError(e);
  }
}

module.exports = { nativeObserver, setLogger, setLogLevel };
