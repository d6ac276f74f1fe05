// Small progressive enhancements; every page works without them.
// Records Content-Security-Policy violations on the page (the browser tests assert there are none).
document.addEventListener('securitypolicyviolation', (e) => {
  const list = document.documentElement.dataset.cspViolations;
  document.documentElement.dataset.cspViolations = (list ? list + ' ' : '') + e.violatedDirective;
});

// The card fields matter only when paying by card.
function syncPayment() {
  const card = document.getElementById('pay-card');
  const fields = document.querySelector('.card-fields');
  if (!card || !fields) {
    return;
  }
  fields.hidden = !card.checked;
  for (const input of fields.querySelectorAll('input')) {
    input.required = card.checked && input.name !== 'cardHolder';
  }
}
for (const radio of document.querySelectorAll('input[name="payment"]')) {
  radio.addEventListener('change', syncPayment);
}
syncPayment();

// Paying twice by double-clicking: the server refuses the replay, but say so before it happens.
const checkout = document.getElementById('checkout-form');
if (checkout) {
  checkout.addEventListener('submit', () => {
    const pay = document.getElementById('pay');
    pay.disabled = true;
    pay.textContent = 'Paying…';
  });
}

// The stamp preview on the rates page: the same rendering as the printed stamp, with the picture
// and the subject's place the form says. Without script the stamp is previewed in the cart.
const addForm = document.getElementById('add-form');
const preview = document.getElementById('stamp-preview');
if (addForm && preview) {
  const refresh = () => {
    const data = new FormData(addForm);
    const chosen = data.get('class');
    const background = data.get('background') || '';
    if (!chosen || !background) {
      preview.hidden = true;
      return;
    }
    const q = new URLSearchParams({
      class: chosen, grams: data.get('grams'), from: data.get('from'), to: data.get('to') || '',
      date: data.get('date') || '', price: data.get('price_' + chosen), background,
      focusX: data.get('focusX') || '', focusY: data.get('focusY') || ''
    });
    preview.src = '/preview.png?' + q.toString();
    preview.hidden = false;
  };
  addForm.addEventListener('change', refresh);
  addForm.addEventListener('input', (e) => {
    if (e.target.name === 'focusX' || e.target.name === 'focusY') {
      refresh();
    }
  });
  refresh();
}
