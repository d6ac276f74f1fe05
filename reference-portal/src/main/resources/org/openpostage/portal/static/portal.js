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
