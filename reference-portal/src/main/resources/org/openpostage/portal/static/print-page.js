// The print page: hands the stamp, or each label sheet in turn, to the postal server's print
// component, at once or on the button, and shows the outcome. No inline script: the CSP forbids it.
const area = document.getElementById('print-area');
const status = document.getElementById('print-status');
const button = document.getElementById('print-button');
const pages = [...area.querySelectorAll('img.print-preview')].map((img) => img.getAttribute('src'));
const size = { widthMm: Number(area.dataset.widthMm), heightMm: Number(area.dataset.heightMm) };
let busy = false;

// One print job per page: the component prints one image at its physical size.
async function printAll() {
  if (busy) {
    return;
  }
  busy = true;
  try {
    for (let i = 0; i < pages.length; i++) {
      const r = await globalThis.OpenPostagePrint.print({ ...size, src: pages[i], mode: 'auto' });
      if (!r.ok) {
        status.textContent = 'Printing failed: ' + r.error;
        document.body.dataset.printResult = 'failed';
        return;
      }
      if (pages.length > 1) {
        status.textContent = 'Sent sheet ' + (i + 1) + ' of ' + pages.length + ' to your printer.';
      }
    }
    status.textContent = pages.length === 1 ? 'Sent to your printer.' : 'Sent all ' + pages.length + ' sheets to your printer.';
    document.body.dataset.printResult = 'ok';
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
