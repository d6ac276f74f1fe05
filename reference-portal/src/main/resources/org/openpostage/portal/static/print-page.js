// The print page: hands the stamp, or all label sheets, to the postal server's print component as
// one print job (one image a page, at its physical size), at once or on the button, and shows the
// outcome. No inline script: the CSP forbids it.
const area = document.getElementById('print-area');
const status = document.getElementById('print-status');
const button = document.getElementById('print-button');
const size = { widthMm: Number(area.dataset.widthMm), heightMm: Number(area.dataset.heightMm) };
const pages = [...area.querySelectorAll('img.print-preview')].map((img) => ({ ...size, src: img.getAttribute('src') }));
let busy = false;

async function printAll() {
  if (busy) {
    return;
  }
  busy = true;
  try {
    const r = await globalThis.OpenPostagePrint.print({ pages, mode: 'auto' });
    if (r.ok) {
      status.textContent = pages.length === 1 ? 'Sent to your printer.' : 'Sent all ' + pages.length + ' sheets to your printer.';
      document.body.dataset.printResult = 'ok';
    } else {
      status.textContent = 'Printing failed: ' + r.error;
      document.body.dataset.printResult = 'failed';
    }
  } finally {
    busy = false;
  }
}

if (area.dataset.mode === 'auto') {
  printAll();
}
// The button prints on request in both modes (in auto mode: print again).
button.addEventListener('click', (event) => {
  event.preventDefault();
  printAll();
});
