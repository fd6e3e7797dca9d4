package federation

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Secure mode (--federation-secure-mode, what Mastodon calls authorized
// fetch): every ActivityPub document is served only to a request signed
// by an actor of a server that is not suspended, so a blocked server
// cannot read the forum's JSON by leaving its signature off.
//
//   - unsigned, or a signature that does not verify: 401;
//   - signed with a key of a suspended server or a blocked actor: 403,
//     decided from the keyId's host before any verification (no fetch
//     from a blocked server), as GoToSocial's
//     internal/middleware/signaturecheck.go does;
//   - open to all: the instance actor (/actor, whose key every peer's
//     verification of Hearth's own signed fetches needs, so it must be
//     reachable unsigned or two servers in secure mode would wait on each
//     other), WebFinger, host-meta and NodeInfo. A signed WebFinger
//     lookup by a blocked server still gets 403.
//
// HTML pages are not affected: Negotiate sends only ActivityPub requests
// to these handlers.

// secured wraps an ActivityPub GET handler with the secure-mode check (a
// no-op when the mode is off).
func (f *Federation) secured(h echo.HandlerFunc) echo.HandlerFunc {
	if !f.cfg.FederationSecureMode {
		return h
	}
	return func(c echo.Context) error {
		r := c.Request()
		if r.Header.Get("Signature") == "" {
			return writeError(c, http.StatusUnauthorized, "unauthorized", "this server serves ActivityPub documents only to signed requests")
		}
		if refused, err := f.signerHostRefused(c); err != nil {
			return f.serverError(c, err)
		} else if refused {
			return writeError(c, http.StatusForbidden, "forbidden", "this server does not serve your instance")
		}
		signer, err := f.verifyRequest(r.Context(), unnegotiated(r), nil)
		if err != nil {
			f.log.Info("secure mode: refused signature", "path", r.URL.Path, "error", err)
			return writeError(c, http.StatusUnauthorized, "unauthorized", "a valid HTTP signature is required")
		}
		if refused, err := f.svc.InboundRefused(r.Context(), hostOf(signer.APID), signer.APID); err != nil {
			return f.serverError(c, err)
		} else if refused {
			return writeError(c, http.StatusForbidden, "forbidden", "this server does not serve your instance")
		}
		return h(c)
	}
}

// refuseBlockedSigner wraps the open discovery endpoints in secure mode: a
// request signed by a blocked server is refused (403) there too; any other
// request, signed or not, is served.
func (f *Federation) refuseBlockedSigner(h echo.HandlerFunc) echo.HandlerFunc {
	if !f.cfg.FederationSecureMode {
		return h
	}
	return func(c echo.Context) error {
		if c.Request().Header.Get("Signature") != "" {
			if refused, err := f.signerHostRefused(c); err != nil {
				return f.serverError(c, err)
			} else if refused {
				return writeError(c, http.StatusForbidden, "forbidden", "this server does not serve your instance")
			}
		}
		return h(c)
	}
}

// signerHostRefused reports whether the request's Signature names a key of
// a suspended server or of a blocked actor (its keyId without the
// fragment, which is the actor on every server but GoToSocial). A
// Signature without a parsable keyId is not refused here; verification
// refuses it.
func (f *Federation) signerHostRefused(c echo.Context) (bool, error) {
	p, err := parseSignatureHeader(c.Request().Header.Get("Signature"))
	if err != nil {
		return false, nil
	}
	u, err := url.Parse(p.keyID)
	if err != nil || u.Host == "" {
		return false, nil
	}
	return f.svc.InboundRefused(c.Request().Context(), strings.ToLower(u.Host), stripFragment(p.keyID))
}

// unnegotiated is r as the peer signed it: Negotiate prefixed the path of
// a document request with /_ap, and the signature covers the path sent.
func unnegotiated(r *http.Request) *http.Request {
	rest, ok := strings.CutPrefix(r.URL.Path, negotiatedPrefix+"/")
	if !ok {
		return r
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + rest
	if raw, ok := strings.CutPrefix(r.URL.RawPath, negotiatedPrefix+"/"); ok {
		r2.URL.RawPath = "/" + raw
	}
	return r2
}
