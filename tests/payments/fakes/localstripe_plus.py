"""localstripe (the stateful fake Stripe server from PyPI), started as the tests need it.

Run as `python -m tests.payments.fakes.localstripe_plus --port N`. It is localstripe itself, with three
additions it lacks and the tests need, each mirroring what real Stripe does:

- nothing is written to /tmp/localstripe.pickle (parallel test workers would share one file);
- client-side confirmation of a PaymentIntent with the publishable key and the client secret, as Stripe.js
  does (`POST /v1/payment_intents/:id/confirm` with `payment_method_data`);
- its Stripe.js stand-in at /js.stripe.com/v3/ also speaks the Payment Element's API
  (`elements({clientSecret})`, `create("payment")`, `confirmPayment({elements, confirmParams})`), on top of
  localstripe's card fields and 3-D Secure dialog.

Webhooks are localstripe's own: register a URL and secret with `POST /_config/webhooks/<id>`; events are
signed as Stripe signs them (`t=...,v1=HMAC-SHA256`).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
from pathlib import Path

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]

PAYMENT_ELEMENT = r"""
// --- Payment Element stand-in (tests/payments/fakes/localstripe_plus.py) ---
(function () {
  const makeStripe = Stripe;
  Stripe = function (apiKey, options) {
    const stripe = makeStripe(apiKey);
    const makeElements = stripe.elements;
    stripe.elements = function (opts) {
      const elements = makeElements();
      elements._clientSecret = (opts || {}).clientSecret;
      const create = elements.create.bind(elements);
      elements.create = function (type, createOptions) { return create('card', createOptions); };
      return elements;
    };
    stripe.confirmPayment = async function (params) {
      const elements = params.elements;
      const secret = elements._clientSecret;
      const intent = secret.match(/^(pi_\w+)_secret_/)[1];
      const element = elements.getElement('payment');
      const response = await fetch(`${LOCALSTRIPE_BASE_API}/v1/payment_intents/${intent}/confirm`, {
        method: 'POST',
        body: JSON.stringify({key: apiKey, client_secret: secret,
                              payment_method_data: {type: 'card', card: element.value.card}}),
      });
      let body = await response.json().catch(() => ({}));
      if (response.status !== 200 || body.error) {
        return {error: body.error || {message: 'The payment failed.'}};
      }
      if (body.status === 'requires_action') {
        const result = await stripe.confirmCardPayment(secret);
        if (result.error) { return result; }
        body = result.paymentIntent;
      }
      if (body.status === 'requires_payment_method') {
        return {error: {message: 'The authentication failed.'}};
      }
      const url = new URL(params.confirmParams.return_url);
      url.searchParams.set('payment_intent', intent);
      url.searchParams.set('payment_intent_client_secret', secret);
      url.searchParams.set('redirect_status', 'succeeded');
      window.location.href = url.toString();
      return {};
    };
    return stripe;
  };
})();
"""
CONFIRM = re.compile(r"^/v1/payment_intents/(pi_\w+)/confirm$")


@web.middleware
async def stripe_js_additions(request: web.Request, handler):  # noqa: ANN001, ANN201 - aiohttp middleware
    if request.path == "/js.stripe.com/v3/":
        original = (Path(server.__file__).parent / "localstripe-v3.js").read_text()
        return web.Response(text=original + PAYMENT_ELEMENT, content_type="application/javascript")
    match = CONFIRM.match(request.path)
    if request.method == "POST" and match:
        try:
            data = json.loads(await request.read() or b"{}")
        except ValueError:
            data = None
        if isinstance(data, dict) and str(data.get("key", "")).startswith("pk_") and "client_secret" in data:
            try:
                intent = resources.PaymentIntent._api_retrieve(match.group(1))
                if data["client_secret"] != intent.client_secret:
                    raise UserError(401, "Unauthorized")
                method_data = data.get("payment_method_data") or {}
                method = resources.PaymentMethod(type="card", card=method_data.get("card"))
                if intent.status != "requires_payment_method":
                    raise UserError(400, "Bad request")
                intent.payment_method = method.id
                intent._confirm(on_failure_now=intent._report_failure)
                return server.json_response(intent._export())
            except UserError as error:
                return error.to_response()
    return await handler(request)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    server.app.middlewares.insert(0, stripe_js_additions)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    web.run_app(server.app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
