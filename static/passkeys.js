// Passkeys (WebAuthn) for Hearth: the forms marked data-passkey work as
// ordinary forms; this script fills their hidden "token" and "credential"
// fields. It asks the form's data-begin route for options, hands them to
// navigator.credentials, and submits the form with the authenticator's
// answer (JSON, binary fields base64url) for the server to verify.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function fromB64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function descriptors(list) {
    return (list || []).map(function (d) {
      var o = { type: d.type, id: fromB64url(d.id) };
      if (d.transports) o.transports = d.transports;
      return o;
    });
  }
  function answer(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) out.response.userHandle = toB64url(r.userHandle);
    }
    if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
    return JSON.stringify(out);
  }
  function say(form, msg) {
    var p = form.querySelector(".passkey-status");
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error passkey-status";
      p.setAttribute("role", "alert");
      form.insertBefore(p, form.querySelector(".form-actions"));
    }
    p.textContent = msg;
  }

  function run(form) {
    var body = new URLSearchParams();
    body.set("_csrf", form.elements._csrf.value);
    fetch(form.getAttribute("data-begin"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.json().then(function (j) {
        if (!res.ok) throw new Error(j.error || "the server refused");
        return j;
      });
    }).then(function (j) {
      var pk = j.options.publicKey;
      pk.challenge = fromB64url(pk.challenge);
      var call;
      if (form.getAttribute("data-passkey") === "register") {
        pk.user.id = fromB64url(pk.user.id);
        pk.excludeCredentials = descriptors(pk.excludeCredentials);
        call = navigator.credentials.create({ publicKey: pk });
      } else {
        pk.allowCredentials = descriptors(pk.allowCredentials);
        call = navigator.credentials.get({ publicKey: pk });
      }
      return call.then(function (cred) {
        form.elements.token.value = j.token;
        form.elements.credential.value = answer(cred);
        form.submit();
      });
    }).catch(function (err) {
      say(form, "The passkey did not work: " + (err && err.message ? err.message : "cancelled") + ".");
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.elements.credential.value) return;
      ev.preventDefault();
      run(form);
    });
  });
})();
