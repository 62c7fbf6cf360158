// The order form: add/remove rows, product defaults, live amounts and totals.
// Only a convenience: the server computes and validates everything again.
(function () {
  "use strict";

  const form = document.querySelector("[data-order-form]");
  if (!form) return;

  // Same format as the server's money filter: ¥1,234.50 in every language.
  const grouped = new Intl.NumberFormat("en-US", {
    minimumFractionDigits: 2, maximumFractionDigits: 2,
  });
  const money = { format: (n) => (n < 0 ? "-¥" : "¥") + grouped.format(Math.abs(n)) };

  function number(value) {
    const n = parseFloat(String(value || "").replace(/,/g, ""));
    return Number.isFinite(n) ? n : null;
  }

  function productDefaults(row) {
    const select = row.querySelector("[data-product]");
    const option = select && select.selectedOptions[0];
    const price = row.querySelector("input[data-price]");
    const unit = row.querySelector("input[data-unit]");
    const spec = row.querySelector("input[data-spec]");
    if (!option || !option.value) {
      price.placeholder = unit.placeholder = spec.placeholder = "";
      return;
    }
    price.placeholder = option.dataset.price || "";
    unit.placeholder = option.dataset.unit || "";
    spec.placeholder = option.dataset.spec || "";
  }

  function recalculate() {
    let net = 0;
    form.querySelectorAll('[data-rows="lines"] [data-row]').forEach((row, index) => {
      row.querySelector(".row-number").textContent = String(index + 1);
      const quantity = number(row.querySelector("[data-quantity]").value);
      const priceInput = row.querySelector("input[data-price]");
      const price = number(priceInput.value) ?? number(priceInput.placeholder);
      const cell = row.querySelector("[data-amount]");
      if (quantity !== null && price !== null) {
        const amount = Math.round(quantity * price * 100) / 100;
        net += amount;
        cell.textContent = money.format(amount);
      } else {
        cell.textContent = "";
      }
    });
    const rate = number(form.querySelector("[data-tax-rate]").value) || 0;
    const tax = Math.round(net * rate * 100) / 100;
    const totals = { net: net, tax: tax, gross: net + tax };
    form.querySelectorAll("[data-total]").forEach((cell) => {
      cell.textContent = money.format(totals[cell.dataset.total]);
    });
    let percent = 0;
    form.querySelectorAll("[data-percent]").forEach((input) => {
      percent += number(input.value) || 0;
    });
    const percentCell = form.querySelector("[data-percent-total]");
    if (percentCell) {
      percentCell.textContent = `${Math.round(percent * 100) / 100}%`;
      percentCell.classList.toggle("text-red", Math.abs(percent - 100) > 0.001);
    }
  }

  function addRow(group) {
    const body = form.querySelector(`[data-rows="${group}"]`);
    const template = document.getElementById(`template-${group}`);
    const index = Number(body.dataset.nextIndex || body.children.length);
    body.dataset.nextIndex = String(index + 1);
    const html = template.innerHTML.replace(/__i__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    const row = body.lastElementChild;
    const first = row.querySelector("select, input:not([type=hidden]), textarea");
    if (first) first.focus();
    recalculate();
  }

  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      event.preventDefault();
      addRow(add.dataset.addRow);
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      remove.closest("[data-row]").remove();
      recalculate();
    }
  });

  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-product]")) {
      productDefaults(event.target.closest("[data-row]"));
    }
    if (event.target.matches("[data-customer]")) {
      // Fill in the customer's primary contact unless something was typed already.
      const option = event.target.selectedOptions[0];
      const name = form.querySelector("[data-contact-name]");
      const phone = form.querySelector("[data-contact-phone]");
      if (option && option.dataset.contact && !name.value) name.value = option.dataset.contact;
      if (option && option.dataset.phone && !phone.value) phone.value = option.dataset.phone;
    }
    recalculate();
  });
  form.addEventListener("input", recalculate);

  form.querySelectorAll('[data-rows="lines"] [data-row]').forEach(productDefaults);
  recalculate();
})();
