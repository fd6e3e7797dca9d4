package federation

import (
	"net/http"
	"strings"
	"testing"
)

// TestThreadTitleVisible: a thread start as served (and as sent: the Create
// embeds the same document) shows its title, not collapsed behind a content
// warning, and its body, on each server's display rule (interop_render_test.go).
// The control rows keep the rules honest: the old shape (title only in
// name) and an Article are what the issue saw go wrong.
func TestThreadTitleVisible(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	first := h.activity(postPath(s.first), http.StatusOK)
	reply := h.activity(postPath(s.reply), http.StatusOK)
	title, body := s.thread.Title, "Welcome"

	oldShape := map[string]any{}
	for k, v := range first {
		oldShape[k] = v
	}
	oldShape["name"] = title
	oldShape["content"] = s.first.HTML
	article := map[string]any{}
	for k, v := range oldShape {
		article[k] = v
	}
	article["type"] = "Article"

	for _, r := range displayRenderers {
		t.Run(r.server, func(t *testing.T) {
			got := r.render(first)
			if !got.shown || got.warning != "" {
				t.Fatalf("thread start: %v (%s)", got, r.source)
			}
			if !strings.Contains(got.text, r.bold(title)) || !strings.Contains(got.text, body) {
				t.Errorf("thread start shows no bold title or no body: %v (%s)", got, r.source)
			}
			if i, j := strings.Index(got.text, r.bold(title)), strings.Index(got.text, body); i > j {
				t.Errorf("the body comes before the title: %v", got)
			}
			if rep := r.render(reply); !rep.shown || rep.warning != "" || strings.Contains(rep.text, title) {
				t.Errorf("reply: %v", rep)
			}
			// Controls: the rule sees what went wrong before.
			old, art := r.render(oldShape), r.render(article)
			switch r.server {
			case "gotosocial":
				if old.warning != title || art.warning != title {
					t.Errorf("control: GoToSocial's rule should collapse a titled Note/Article: %v / %v", old, art)
				}
			case "mastodon":
				if strings.Contains(old.text, title) || strings.Contains(art.text, body) {
					t.Errorf("control: Mastodon's rule should hide a Note's name and an Article's body: %v / %v", old, art)
				}
			}
		})
	}
	for _, ft := range forumTitlers {
		if got := ft.title(first); got != title {
			t.Errorf("%s titles the thread %q, want %q (%s)", ft.server, got, title, ft.source)
		}
	}
}

// TestThreadTitleEscaped: the title is text, so markup in it reaches peers
// escaped, never as elements.
func TestThreadTitleEscaped(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Plain", "<p><strong>Plain</strong></p>"},
		{"<script>alert(1)</script> & more", "<p><strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</strong></p>"},
		{`"quoted" 'single'`, "<p><strong>&#34;quoted&#34; &#39;single&#39;</strong></p>"},
	} {
		if got := titleParagraph(tc.title); got != tc.want {
			t.Errorf("titleParagraph(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}
