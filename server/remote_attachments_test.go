package server

import (
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
)

// TestAttachmentsEscaped: whatever a remote server puts in an alt text or
// URL cannot leave its attribute or text.
func TestAttachmentsEscaped(t *testing.T) {
	items := attachItems(map[int64][]forum.RemoteAttachmentView{1: {
		{ID: 5, Kind: "image", Name: `x" onerror="alert(1)`, Local: "/media/remote/5", Width: 1200, Height: 800, Variants: []int{400, 800}, Origin: "https://r.example/a.png"},
		{ID: 6, Kind: "video", Name: `<script>alert(1)</script>`, Origin: `https://r.example/v.mp4?a="><script>`},
		{ID: 7, Kind: "strange", Origin: "https://r.example/f"},
	}})[1]
	var b strings.Builder
	writeAttachments(&b, items)
	got := b.String()
	for _, want := range []string{
		`<img src="/media/remote/5" alt="x&#34; onerror=&#34;alert(1)" width="1200" height="800" loading="lazy" decoding="async" srcset="/media/remote/5/w400 400w, /media/remote/5/w800 800w, /media/remote/5 1200w" sizes="(max-width: 800px) 100vw, 800px">`,
		`<a href="https://r.example/v.mp4?a=&#34;&gt;&lt;script&gt;" rel="nofollow noopener noreferrer ugc">Video</a>: &lt;script&gt;alert(1)&lt;/script&gt; <span class="muted">(on r.example)</span>`,
		`<a href="https://r.example/f" rel="nofollow noopener noreferrer ugc">Attachment</a> <span class="muted">(on r.example)</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s\nin %s", want, got)
		}
	}
	if strings.Contains(got, "<script") || strings.Contains(got, `" onerror`) {
		t.Fatalf("unescaped: %s", got)
	}
}
