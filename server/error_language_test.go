package server_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// postIn submits a form as a browser whose Accept-Language is lang ("" for
// none).
func (b *browser) postIn(lang, path string, form url.Values) *response {
	form.Set("_csrf", b.csrf())
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return b.do(req)
}

// TestFormErrorsInTheReadersLanguage: a refused form says what is wrong in
// the reader's language, beside the field, and keeps what they wrote; the
// same form without Accept-Language says it in English as before.
func TestFormErrorsInTheReadersLanguage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	admin := ts.browser()
	admin.signup("ana") // the first account: later ones are ordinary sign-ups
	member := ts.browser()
	member.signup("ben")
	long := strings.Repeat("x", 81)
	cases := []struct {
		name   string
		b      *browser
		path   string
		form   url.Values
		kept   string // what the member typed, shown again
		en, de string
	}{
		{"sign-up with a taken name", ts.browser(), "/signup",
			url.Values{"username": {"ana"}, "email": {"zweite@example.com"}, "password": {"correct horse"}},
			"zweite@example.com", "that username is taken", "dieser Benutzername ist schon vergeben"},
		{"new thread without a title", member, "/new",
			url.Values{"category": {"general"}, "title": {""}, "body": {"Mein Text bleibt erhalten"}},
			"Mein Text bleibt erhalten", "must not be empty", "darf nicht leer sein"},
		{"display name too long", member, "/settings",
			url.Values{"display_name": {long}, "bio": {"Meine Biografie"}},
			long, "must be at most 80 characters (it has 81)", "darf höchstens 80 Zeichen lang sein (es sind 81)"},
	}
	for _, tc := range cases {
		for _, lang := range []string{"de", ""} {
			r := tc.b.postIn(lang, tc.path, url.Values(cloneValues(tc.form)))
			body := html.UnescapeString(r.Body)
			want, other := tc.de, tc.en
			if lang == "" {
				want, other = tc.en, tc.de
			}
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) || strings.Contains(body, other) {
				t.Errorf("%s (Accept-Language %q): %d, want 422 saying %q and not %q", tc.name, lang, r.StatusCode, want, other)
			}
			if !strings.Contains(body, tc.kept) {
				t.Errorf("%s (Accept-Language %q): what was typed (%q) is lost", tc.name, lang, tc.kept)
			}
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestAPIErrorsInTheRequestedLanguage: the JSON API answers in the
// language Accept-Language asks for (message and fields), and in English
// when the header is absent, whatever the site's default.
func TestAPIErrorsInTheRequestedLanguage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	member := ts.token(t, "cara", "member")
	call := func(lang, method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+member)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out struct {
			Error map[string]any `json:"error"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %s", path, raw)
		}
		return res.StatusCode, out.Error
	}
	cases := []struct {
		lang, method, path, body string
		status                   int
		message, title           string
	}{
		{"de-DE,de;q=0.9", "POST", "/api/v1/threads", `{"category":"general","title":"","body":"x"}`, 422,
			"title: darf nicht leer sein", "darf nicht leer sein"},
		{"", "POST", "/api/v1/threads", `{"category":"general","title":"","body":"x"}`, 422,
			"title: must not be empty", "must not be empty"},
		{"de", "POST", "/api/v1/categories", `{"name":"Nope","slug":"nope"}`, 403, "Das darfst du nicht.", ""},
		{"", "POST", "/api/v1/categories", `{"name":"Nope","slug":"nope"}`, 403, "You are not allowed to do that.", ""},
		{"de", "GET", "/api/v1/threads/999999", "", 404, "Diese Seite oder dieser Eintrag existiert nicht oder wurde entfernt.", ""},
	}
	for _, tc := range cases {
		code, e := call(tc.lang, tc.method, tc.path, tc.body)
		if code != tc.status || e["message"] != tc.message {
			t.Errorf("%s %s (Accept-Language %q): %d %q, want %d %q", tc.method, tc.path, tc.lang, code, e["message"], tc.status, tc.message)
		}
		if tc.title != "" {
			if f, _ := e["fields"].(map[string]any); f["title"] != tc.title {
				t.Errorf("%s (Accept-Language %q): fields %v, want title %q", tc.path, tc.lang, e["fields"], tc.title)
			}
		}
	}
}
