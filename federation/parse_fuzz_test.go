package federation

import "testing"

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add(`keyId="https://x/actor#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc="`)
	f.Add(`keyId=a,signature=b`)
	f.Add(`keyId="unterminated`)
	f.Fuzz(func(t *testing.T, h string) {
		p, err := parseSignatureHeader(h)
		if err == nil && (p.keyID == "" || len(p.headers) == 0) {
			t.Fatalf("accepted %q without keyId or headers", h)
		}
	})
}

func FuzzParseActivity(f *testing.F) {
	f.Add([]byte(`{"id":"https://x/1","type":"Follow","actor":"https://x/u","object":"https://y/c/g"}`))
	f.Add([]byte(`{"id":"https://x/1","type":["Undo"],"actor":{"id":"https://x/u"},"object":{"type":"Follow"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseActivity(b)
		if err == nil && (a.ID == "" || a.Actor == "" || a.Type == "") {
			t.Fatalf("accepted %q without id, actor or type", b)
		}
	})
}
