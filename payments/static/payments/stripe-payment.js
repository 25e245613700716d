/* Stripe's Payment Element: mounted from the data attributes of #payment-element, confirmed with Stripe.js.
   Card details go from this form to Stripe only; Stripe sends the payer back to the return address. */
(function () {
  "use strict";
  var mount = document.getElementById("payment-element");
  var form = document.getElementById("payment-form");
  if (!mount || !form || typeof Stripe !== "function") {
    return;
  }
  var data = mount.dataset;
  var stripe = Stripe(data.publishableKey, { locale: data.locale });
  var elements = stripe.elements({ clientSecret: data.clientSecret, locale: data.locale });
  elements.create("payment").mount("#payment-element");
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: data.returnUrl } })
      .then(function (result) {
        // Reached only when Stripe could not confirm: otherwise it has already sent the payer on.
        if (result && result.error) {
          message.textContent = result.error.message || data.error;
          message.hidden = false;
        }
        button.disabled = false;
      });
  });
})();
