package federation

import (
	"strings"
	"testing"
)

func TestNodeInfoParsing(t *testing.T) {
	const origin = "https://lemmy.example"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"2.1", `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://lemmy.example/nodeinfo/2.1"}]}`, "https://lemmy.example/nodeinfo/2.1"},
		{"newest listed last", `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"https://lemmy.example/nodeinfo/2.0"},{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://lemmy.example/nodeinfo/2.1"}]}`, "https://lemmy.example/nodeinfo/2.1"},
		{"another host", `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://10.0.0.1/nodeinfo/2.1"}]}`, ""},
		{"1.0 only", `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/1.0","href":"https://lemmy.example/nodeinfo/1.0"}]}`, ""},
		{"not JSON", `<html>`, ""},
	} {
		got, err := nodeInfoHref([]byte(tc.body), origin)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for body, want := range map[string]string{
		`{"software":{"name":"Lemmy","version":"0.19.5"}}`:        "lemmy",
		`{"software":{"name":" nodebb "}}`:                        "nodebb",
		`{"software":{}}`:                                         "",
		`{"software":{"name":"` + strings.Repeat("x", 65) + `"}}`: "",
	} {
		got, err := nodeInfoSoftwareName([]byte(body))
		if got != want || (err == nil) != (want != "") {
			t.Errorf("%s: %q, %v; want %q", body, got, err, want)
		}
	}
}

// FuzzGroupInputs feeds what peers send the readers this relay added:
// NodeInfo documents, and the addressing and Mention tags that pick the
// category a thread starts in.
func FuzzGroupInputs(f *testing.F) {
	f.Add([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://p.example/nodeinfo/2.1"}],"software":{"name":"PieFed"}}`))
	f.Add([]byte(`{"id":"https://p.example/n/1","to":"https://www.w3.org/ns/activitystreams#Public","cc":[{"id":"https://forum.test/c/general"}],"tag":{"type":"Mention","href":"https://forum.test/c/general"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if href, err := nodeInfoHref(b, "https://p.example"); err == nil && hostOf(href) != "p.example" {
			t.Fatalf("NodeInfo href %q on another host", href)
		}
		if name, err := nodeInfoSoftwareName(b); err == nil && (name == "" || name != strings.ToLower(name) || len(name) > 64) {
			t.Fatalf("software name %q", name)
		}
		for _, id := range links(b) {
			if id == "" {
				t.Fatal("empty link")
			}
		}
		if n, err := parseNote(b); err == nil {
			for _, h := range n.mentionHrefs() {
				if h == "" {
					t.Fatal("empty Mention href")
				}
			}
		}
	})
}
