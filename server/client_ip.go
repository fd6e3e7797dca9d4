package server

import (
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
)

// clientIPExtractor decides the address c.RealIP() reports, which login
// limits, reset limits and the request log all use (clientIP). With no
// trusted proxies it is the socket peer, so a forged X-Forwarded-For changes
// nothing. When the peer is one of the trusted networks, the client is the
// rightmost X-Forwarded-For hop outside them (Echo's walk from the right:
// hops added by our own proxies are skipped, anything a client wrote to the
// left of its real address is never reached); a proxy that sends only
// X-Real-IP (nginx's common `proxy_set_header X-Real-IP $remote_addr`) is
// believed too. Loopback, link-local and private networks are trusted only
// when listed: Echo trusts them by default, which behind no proxy would let
// any local process choose its address.
func clientIPExtractor(nets []*net.IPNet) echo.IPExtractor {
	if len(nets) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	fromXFF := echo.ExtractIPFromXFFHeader(opts...)
	fromRealIP := echo.ExtractIPFromRealIPHeader(opts...)
	return func(req *http.Request) string {
		if len(req.Header.Values(echo.HeaderXForwardedFor)) > 0 {
			return fromXFF(req)
		}
		return fromRealIP(req)
	}
}
