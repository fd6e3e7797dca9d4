package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Limits of every outbound request (fetches and deliveries): a peer that
// is slow, huge or a black hole must not hold a worker for long.
const (
	connectTimeout = 5 * time.Second
	requestTimeout = 15 * time.Second
	maxBodyBytes   = 1 << 20
)

// errForbiddenAddress is returned for a destination Hearth refuses to
// contact: a loopback, private, link-local or otherwise internal address.
var errForbiddenAddress = errors.New("refusing to connect to a non-public address")

// forbiddenIP reports whether ip is an address remote input must not make
// Hearth contact: anything but a public unicast address. The cloud metadata
// service (169.254.169.254, fd00:ec2::254) is link-local or private, so it
// is covered.
func forbiddenIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || cgnat.Contains(ip)
}

// cgnat is the shared address space (RFC 6598), internal to carriers and
// often to clouds; IsPrivate does not include it.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// dialFunc opens a connection; tests replace the dial that routes
// hostnames to their httptest servers.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// newDialer returns a dialer that, unless allowPrivate, refuses forbidden
// addresses. The check is in Control, which sees the address actually
// being connected to after DNS resolution, so a name resolving (or
// re-resolving, DNS rebinding) to an internal address is caught too.
func newDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || forbiddenIP(ap.Addr()) {
				return fmt.Errorf("%w: %s", errForbiddenAddress, address)
			}
			return nil
		}
	}
	return d
}

// newHTTPClient builds the one client of all outbound federation traffic.
// dial is nil except in tests (which route names to httptest servers but
// still go through the checking dialer underneath).
func newHTTPClient(allowPrivate bool, wrap func(dialFunc) dialFunc) *http.Client {
	dial := dialFunc(newDialer(allowPrivate).DialContext)
	if wrap != nil {
		dial = wrap(dial)
	}
	tr := &http.Transport{
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   connectTimeout,
		ResponseHeaderTimeout: requestTimeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   requestTimeout,
		// Redirects are followed (peers move actors), but each hop is
		// checked like the first URL.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return checkURL(req.URL, allowPrivate)
		},
	}
}

// checkURL refuses URLs Hearth must not fetch: anything but https, and
// http too when private addresses are allowed (labs and tests).
func checkURL(u *url.URL, allowPrivate bool) error {
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	default:
		return fmt.Errorf("refusing to fetch %s URL %q", u.Scheme, u.Redacted())
	}
	if u.Host == "" {
		return fmt.Errorf("URL %q has no host", u.Redacted())
	}
	return nil
}

// readLimited reads a response body up to maxBodyBytes, failing beyond.
func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBodyBytes {
		return nil, fmt.Errorf("response larger than %d bytes", maxBodyBytes)
	}
	return b, nil
}
