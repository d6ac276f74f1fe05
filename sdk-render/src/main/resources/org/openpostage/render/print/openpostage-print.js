/*
 * OpenPostage print component: prints a stamp or a sheet of stamps at its exact physical size.
 * An ES module without dependencies, published by the postal server with its SHA-256; load it with
 * a Subresource Integrity attribute. See docs/rendering.md.
 *
 *   import OpenPostagePrint from './openpostage-print.js';   // or the global OpenPostagePrint
 *   OpenPostagePrint.print({
 *     src: '/stamps/42.png',          // the stamp or sheet image (PNG or JPEG, same origin or CORS)
 *     widthMm: 63, heightMm: 27,      // its physical size: becomes the printed page size
 *     mode: 'on-request',             // or 'auto': print as soon as the page has loaded
 *     button: '#print-stamp',         // the element whose click prints (on-request)
 *     onResult: (r) => { ... }        // {ok: true} or {ok: false, error: '...'}
 *   });
 *
 * Every result is also dispatched as a CustomEvent 'openpostage-print' (detail = the result) on
 * the button, or on the document when there is none; it bubbles to the document. {ok: true} means
 * the browser's printing was started with the page prepared; browsers do not tell a page whether
 * the user then printed or cancelled.
 */

/** The component's version. */
export const VERSION = '1.0.0';

/** The name of the DOM event that reports each result. */
export const RESULT_EVENT = 'openpostage-print';

const ROOT_ID = 'openpostage-print-root';
const STYLE_ID = 'openpostage-print-style';
const MODES = ['auto', 'on-request'];
const MAX_MM = 2000;

function failure(error) {
  return { ok: false, error: String(error) };
}

/** The error in the options, or null. */
function invalid(options, doc) {
  if (!options || typeof options !== 'object') {
    return 'print options are missing';
  }
  if (typeof options.src !== 'string' || options.src.trim() === '') {
    return 'src must be the URL of the stamp image';
  }
  for (const name of ['widthMm', 'heightMm']) {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_MM) {
      return name + ' must be a number of millimetres between 0 and ' + MAX_MM + ', was ' + value;
    }
  }
  const mode = options.mode === undefined ? 'on-request' : options.mode;
  if (!MODES.includes(mode)) {
    return "mode must be 'auto' or 'on-request', was " + mode;
  }
  if (mode === 'on-request' && !element(options.button, doc)) {
    return 'on-request printing needs a button (an element or a selector that finds one)';
  }
  if (options.onResult !== undefined && typeof options.onResult !== 'function') {
    return 'onResult must be a function';
  }
  return null;
}

function element(button, doc) {
  if (typeof button === 'string') {
    return doc.querySelector(button);
  }
  return button && typeof button.addEventListener === 'function' ? button : null;
}

/** The print-only style: the page is the stamp's size, and only the stamp is printed. */
function css(widthMm, heightMm) {
  const w = widthMm + 'mm';
  const h = heightMm + 'mm';
  return '@page { size: ' + w + ' ' + h + '; margin: 0; }\n'
    + '#' + ROOT_ID + ' { display: none; }\n'
    + '@media print {\n'
    + '  html, body { margin: 0 !important; padding: 0 !important; width: ' + w + ' !important;'
    + ' height: ' + h + ' !important; min-height: 0 !important; overflow: hidden !important;'
    + ' background: #fff !important; }\n'
    + '  body > *:not(#' + ROOT_ID + ') { display: none !important; }\n'
    + '  #' + ROOT_ID + ' { display: block !important; position: absolute !important; left: 0 !important;'
    + ' top: 0 !important; width: ' + w + ' !important; height: ' + h + ' !important; margin: 0 !important;'
    + ' padding: 0 !important; overflow: hidden !important; break-inside: avoid; }\n'
    + '  #' + ROOT_ID + ' img { display: block !important; width: ' + w + ' !important; height: ' + h
    + ' !important; max-width: none !important; max-height: none !important; margin: 0 !important;'
    + ' padding: 0 !important; border: 0 !important; object-fit: fill !important;'
    + ' print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n'
    + '}\n';
}

function cleanup(doc) {
  for (const id of [ROOT_ID, STYLE_ID]) {
    const node = doc.getElementById(id);
    if (node) {
      node.remove();
    }
  }
}

/** Puts the print-only stamp and style into the page; resolves when the image has loaded. */
function prepare(doc, options) {
  cleanup(doc);
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = css(options.widthMm, options.heightMm);
  doc.head.appendChild(style);
  const root = doc.createElement('div');
  root.id = ROOT_ID;
  const image = doc.createElement('img');
  image.alt = 'postage stamp';
  root.appendChild(image);
  doc.body.appendChild(root);
  return new Promise((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the stamp image could not be loaded from ' + options.src));
    image.src = options.src;
  });
}

/** Prepares the page and opens the browser's printing; resolves with the result. */
async function printNow(doc, options) {
  const win = doc.defaultView;
  try {
    await prepare(doc, options);
  } catch (e) {
    cleanup(doc);
    return failure(e.message);
  }
  win.addEventListener('afterprint', () => cleanup(doc), { once: true });
  try {
    win.print();
  } catch (e) {
    cleanup(doc);
    return failure('printing failed: ' + (e && e.message ? e.message : e));
  }
  return { ok: true };
}

function report(result, options, doc) {
  if (options && typeof options.onResult === 'function') {
    try {
      options.onResult(result);
    } catch (e) {
      // The page's callback failed: the event below still reports the result.
    }
  }
  const target = (options && element(options.button, doc)) || doc;
  target.dispatchEvent(new CustomEvent(RESULT_EVENT, { detail: result, bubbles: true }));
}

function loaded(doc) {
  if (doc.readyState === 'complete') {
    return Promise.resolve();
  }
  return new Promise((resolve) => doc.defaultView.addEventListener('load', () => resolve(), { once: true }));
}

/**
 * Prints a stamp image at widthMm x heightMm: at once when the page has loaded ('auto') or on
 * each click of the button ('on-request'). Returns a promise of the first result; every result
 * also goes to onResult and to the 'openpostage-print' event. Never throws.
 */
export function print(options) {
  const doc = (options && options.document) || globalThis.document;
  const problem = invalid(options, doc);
  if (problem) {
    const result = failure(problem);
    report(result, options, doc);
    return Promise.resolve(result);
  }
  const settings = { ...options, mode: options.mode === undefined ? 'on-request' : options.mode };
  if (settings.mode === 'auto') {
    return loaded(doc).then(() => printNow(doc, settings)).then((result) => {
      report(result, settings, doc);
      return result;
    });
  }
  const button = element(settings.button, doc);
  return new Promise((resolve) => {
    let busy = false;
    button.addEventListener('click', async (event) => {
      event.preventDefault();
      if (busy) {
        return;
      }
      busy = true;
      const result = await printNow(doc, settings);
      busy = false;
      report(result, settings, doc);
      resolve(result);
    });
  });
}

const OpenPostagePrint = Object.freeze({ VERSION, RESULT_EVENT, print });

if (typeof globalThis.OpenPostagePrint === 'undefined') {
  globalThis.OpenPostagePrint = OpenPostagePrint;
}

export default OpenPostagePrint;
