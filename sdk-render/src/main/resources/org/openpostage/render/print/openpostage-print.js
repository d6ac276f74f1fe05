/*
 * OpenPostage print component: prints stamps and sheets of stamps at their exact physical size,
 * one image a page, all pages in one print job. An ES module without dependencies, published by
 * the postal server with its SHA-256; load it with a Subresource Integrity attribute. It adds no
 * inline <style> and no style attribute, so it runs under a Content-Security-Policy without
 * 'unsafe-inline'. See docs/rendering.md.
 *
 *   import OpenPostagePrint from './openpostage-print.js';   // or the global OpenPostagePrint
 *   OpenPostagePrint.print({
 *     src: '/stamps/42.png',          // the stamp or sheet image (PNG or JPEG, same origin or CORS)
 *     widthMm: 63, heightMm: 27,      // its physical size: becomes the printed page size
 *     // or, several pages in one print job, each image on a page of its own size:
 *     // pages: [{ src: '/sheet-1.png', widthMm: 210, heightMm: 297 }, { src: ..., ... }],
 *     mode: 'on-request',             // or 'auto': print as soon as the page has loaded
 *     button: '#print-stamp',         // the element whose click prints (on-request)
 *     onResult: (r) => { ... }        // {ok: true, pages: n} or {ok: false, error: '...'}
 *   });
 *
 * Every result is also dispatched as a CustomEvent 'openpostage-print' (detail = the result) on
 * the button, or on the document when there is none; it bubbles to the document. {ok: true} means
 * the browser's printing was started with the pages prepared; browsers do not tell a page whether
 * the user then printed or cancelled.
 */

/** The component's version. */
export const VERSION = '1.1.0';

/** The name of the DOM event that reports each result. */
export const RESULT_EVENT = 'openpostage-print';

const ROOT_ID = 'openpostage-print-root';
const PAGE_CLASS = 'openpostage-print-page';
const MODES = ['auto', 'on-request'];
const MAX_MM = 2000;
const MAX_PAGES = 500;

/** The stylesheet each document currently has adopted from this component. */
const sheets = new WeakMap();

function failure(error) {
  return { ok: false, error: String(error) };
}

/** The error in one page's src, widthMm and heightMm, or null; prefix ('pages[2].' or '') starts each message. */
function invalidPage(page, prefix) {
  if (typeof page.src !== 'string' || page.src.trim() === '') {
    return prefix + 'src must be the URL of the stamp image';
  }
  for (const name of ['widthMm', 'heightMm']) {
    const value = page[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_MM) {
      return prefix + name + ' must be a number of millimetres between 0 and ' + MAX_MM + ', was ' + value;
    }
  }
  return null;
}

/** The pages to print: options.pages, or the one page given by src, widthMm and heightMm. */
function pagesOf(options) {
  if (options.pages === undefined) {
    return [{ src: options.src, widthMm: options.widthMm, heightMm: options.heightMm }];
  }
  return options.pages.map((p) => ({ src: p.src, widthMm: p.widthMm, heightMm: p.heightMm }));
}

/** The error in the options, or null. */
function invalid(options, doc) {
  if (!options || typeof options !== 'object') {
    return 'print options are missing';
  }
  if (options.pages !== undefined) {
    if (options.src !== undefined || options.widthMm !== undefined || options.heightMm !== undefined) {
      return 'give either pages or src, widthMm and heightMm, not both';
    }
    if (!Array.isArray(options.pages) || options.pages.length === 0 || options.pages.length > MAX_PAGES) {
      return 'pages must be an array of 1 to ' + MAX_PAGES + ' pages';
    }
    for (let i = 0; i < options.pages.length; i++) {
      const page = options.pages[i];
      const problem = page && typeof page === 'object'
        ? invalidPage(page, 'pages[' + i + '].') : 'pages[' + i + '] must be an object with src, widthMm and heightMm';
      if (problem) {
        return problem;
      }
    }
  } else {
    const problem = invalidPage(options, '');
    if (problem) {
      return problem;
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

/**
 * The print-only stylesheet: every page has its image's size (a named @page per distinct size;
 * the unnamed @page has the first page's size), and only the images are printed.
 */
function css(pages) {
  const sizes = [];
  const rules = [];
  pages.forEach((page, i) => {
    const w = page.widthMm + 'mm';
    const h = page.heightMm + 'mm';
    let k = sizes.indexOf(w + ' ' + h);
    if (k < 0) {
      k = sizes.push(w + ' ' + h) - 1;
    }
    rules.push('  #' + ROOT_ID + ' > .' + PAGE_CLASS + ':nth-child(' + (i + 1) + ') { page: openpostage-' + k
      + '; width: ' + w + ' !important; height: ' + h + ' !important; }\n');
  });
  return '@page { size: ' + sizes[0] + '; margin: 0; }\n'
    + sizes.map((size, k) => '@page openpostage-' + k + ' { size: ' + size + '; margin: 0; }\n').join('')
    + '#' + ROOT_ID + ' { display: none; }\n'
    + '@media print {\n'
    + '  html, body { display: block !important; margin: 0 !important; padding: 0 !important; border: 0 !important;'
    + ' width: auto !important; height: auto !important; min-width: 0 !important; min-height: 0 !important;'
    + ' max-width: none !important; background: #fff !important; }\n'
    + '  body > *:not(#' + ROOT_ID + ') { display: none !important; }\n'
    + '  #' + ROOT_ID + ' { display: block !important; position: static !important; margin: 0 !important;'
    + ' padding: 0 !important; border: 0 !important; }\n'
    + '  #' + ROOT_ID + ' > .' + PAGE_CLASS + ' { display: block !important; box-sizing: border-box !important;'
    + ' margin: 0 !important; padding: 0 !important; border: 0 !important; overflow: hidden !important;'
    + ' break-inside: avoid; }\n'
    + '  #' + ROOT_ID + ' > .' + PAGE_CLASS + ' + .' + PAGE_CLASS + ' { break-before: page; }\n'
    + rules.join('')
    + '  #' + ROOT_ID + ' img { display: block !important; width: 100% !important; height: 100% !important;'
    + ' max-width: none !important; max-height: none !important; margin: 0 !important; padding: 0 !important;'
    + ' border: 0 !important; object-fit: fill !important;'
    + ' print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n'
    + '}\n';
}

function cleanup(doc) {
  const root = doc.getElementById(ROOT_ID);
  if (root) {
    root.remove();
  }
  const sheet = sheets.get(doc);
  if (sheet) {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    sheets.delete(doc);
  }
}

/**
 * Adopts the print-only stylesheet as a constructed stylesheet, which Content-Security-Policy's
 * style-src does not restrict (unlike a <style> element or a style attribute).
 */
function adopt(doc, pages) {
  const win = doc.defaultView;
  if (!win || typeof win.CSSStyleSheet !== 'function' || !Array.isArray(doc.adoptedStyleSheets)) {
    throw new Error('this browser cannot print at physical size: it lacks constructable stylesheets'
      + ' (document.adoptedStyleSheets)');
  }
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(css(pages));
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  sheets.set(doc, sheet);
}

function load(image, src) {
  return new Promise((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the stamp image could not be loaded from ' + src));
    image.src = src;
  });
}

/** Puts the print-only pages and style into the page; resolves when every image has loaded. */
function prepare(doc, pages) {
  cleanup(doc);
  adopt(doc, pages);
  const root = doc.createElement('div');
  root.id = ROOT_ID;
  const loads = pages.map((page, i) => {
    const box = doc.createElement('div');
    box.className = PAGE_CLASS;
    const image = doc.createElement('img');
    image.alt = pages.length === 1 ? 'postage stamp' : 'postage, page ' + (i + 1) + ' of ' + pages.length;
    box.appendChild(image);
    root.appendChild(box);
    return load(image, page.src);
  });
  doc.body.appendChild(root);
  return Promise.all(loads);
}

/** Prepares the page and opens the browser's printing; resolves with the result. */
async function printNow(doc, pages) {
  const win = doc.defaultView;
  try {
    await prepare(doc, pages);
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
  return { ok: true, pages: pages.length };
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
 * Prints a stamp image at widthMm x heightMm, or each of pages on a page of its own size, all in
 * one print job: at once when the page has loaded ('auto') or on each click of the button
 * ('on-request'). Returns a promise of the first result; every result also goes to onResult and
 * to the 'openpostage-print' event. Never throws.
 */
export function print(options) {
  const doc = (options && options.document) || globalThis.document;
  const problem = invalid(options, doc);
  if (problem) {
    const result = failure(problem);
    report(result, options, doc);
    return Promise.resolve(result);
  }
  const pages = pagesOf(options);
  const settings = { ...options, mode: options.mode === undefined ? 'on-request' : options.mode };
  if (settings.mode === 'auto') {
    return loaded(doc).then(() => printNow(doc, pages)).then((result) => {
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
      const result = await printNow(doc, pages);
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
