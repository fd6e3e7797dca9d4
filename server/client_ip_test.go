package server

import (
	"net"
	"net/http"
	"testing"
)

// TestClientIPExtractor: the address limits and logs use, for each way a
// request can arrive. Proxies here are 10.0.0.2 (a single address) and
// 192.168.5.0/24 (a network).
func TestClientIPExtractor(t *testing.T) {
	nets := []*net.IPNet{
		{IP: net.ParseIP("10.0.0.2").To4(), Mask: net.CIDRMask(32, 32)},
		{IP: net.ParseIP("192.168.5.0").To4(), Mask: net.CIDRMask(24, 32)},
	}
	cases := []struct {
		name, peer, xff, realIP string
		none                    bool // no trusted proxies configured
		want                    string
	}{
		{name: "no proxies: XFF ignored", none: true, peer: "127.0.0.1:5000", xff: "203.0.113.9", want: "127.0.0.1"},
		{name: "no proxies: X-Real-IP ignored", none: true, peer: "127.0.0.1:5000", realIP: "203.0.113.9", want: "127.0.0.1"},
		{name: "untrusted peer spoofs XFF", peer: "198.51.100.4:5000", xff: "203.0.113.9", want: "198.51.100.4"},
		{name: "untrusted peer spoofs X-Real-IP", peer: "198.51.100.4:5000", realIP: "203.0.113.9", want: "198.51.100.4"},
		{name: "loopback is not trusted unless listed", peer: "127.0.0.1:5000", xff: "203.0.113.9", want: "127.0.0.1"},
		{name: "private net is not trusted unless listed", peer: "10.0.0.3:5000", xff: "203.0.113.9", want: "10.0.0.3"},
		{name: "trusted single proxy", peer: "10.0.0.2:5000", xff: "203.0.113.9", want: "203.0.113.9"},
		{name: "trusted network", peer: "192.168.5.77:5000", xff: "203.0.113.9", want: "203.0.113.9"},
		{name: "client forges a hop left of its address", peer: "10.0.0.2:5000", xff: "1.2.3.4, 203.0.113.9", want: "203.0.113.9"},
		{name: "two trusted hops skipped", peer: "10.0.0.2:5000", xff: "203.0.113.9, 192.168.5.1", want: "203.0.113.9"},
		{name: "proxy sends only X-Real-IP", peer: "10.0.0.2:5000", realIP: "203.0.113.9", want: "203.0.113.9"},
		{name: "XFF wins over X-Real-IP", peer: "10.0.0.2:5000", xff: "203.0.113.9", realIP: "203.0.113.50", want: "203.0.113.9"},
		{name: "garbage X-Real-IP", peer: "10.0.0.2:5000", realIP: "not-an-ip", want: "10.0.0.2"},
		{name: "IPv6 client", peer: "10.0.0.2:5000", xff: "2001:db8::7", want: "2001:db8::7"},
		{name: "no header from trusted proxy", peer: "10.0.0.2:5000", want: "10.0.0.2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tc.peer
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			if tc.realIP != "" {
				req.Header.Set("X-Real-IP", tc.realIP)
			}
			trusted := nets
			if tc.none {
				trusted = nil
			}
			if got := clientIPExtractor(trusted)(req); got != tc.want {
				t.Fatalf("client IP = %q, want %q", got, tc.want)
			}
		})
	}
}
