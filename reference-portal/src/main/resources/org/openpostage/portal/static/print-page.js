// The print page: hands the stamp (or label sheet) to the postal server's print component,
// at once or on the button, and shows the outcome. No inline script: the CSP forbids it.
const area = document.getElementById('print-area');
const status = document.getElementById('print-status');
const button = document.getElementById('print-button');
const options = {
  src: area.dataset.src,
  widthMm: Number(area.dataset.widthMm),
  heightMm: Number(area.dataset.heightMm),
  onResult: (r) => {
    status.textContent = r.ok ? 'Sent to your printer.' : 'Printing failed: ' + r.error;
    document.body.dataset.printResult = r.ok ? 'ok' : 'failed';
  }
};
if (area.dataset.mode === 'auto') {
  globalThis.OpenPostagePrint.print({ ...options, mode: 'auto' });
}
// The button prints on request in both modes (in auto mode: print again).
globalThis.OpenPostagePrint.print({ ...options, mode: 'on-request', button });
