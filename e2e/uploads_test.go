//go:build e2e

package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAttachImage: a member attaches a photo to a reply through the
// form's file input (the path that needs no JavaScript: the form posts
// multipart), with a description, and sees it in the thread with its alt
// text and size; then drops a second image on the text box, which
// static/upload.js uploads and inserts as Markdown at the cursor.
func TestBrowserAttachImage(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	b.open("/admin")
	b.fill("#cat-name", "Baking")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/baking")
	b.open("/c/baking/new")
	b.fill("#nt-title", "Sourdough went flat")
	b.fill("#nt-body", "What went wrong?")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")

	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	for x := 0; x < 900; x++ {
		img.Set(x, x%600, color.RGBA{180, 120, 60, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "crumb.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(threadPath)
	b.fill("#reply-body", "Here is the crumb.")
	b.fill("#reply-alt", "Dense crumb with few holes")
	get(b, "choose file", chromedp.SetUploadFiles(chromedp.CSS("#reply-file"), []string{file}))
	b.click(`form[action$="/reply"] button[type=submit]`, "/t/")
	b.expectHTML("#post-2", `alt="Dense crumb with few holes"`)
	b.expectHTML("#post-2", `width="900"`)
	b.expectHTML("#post-2", `loading="lazy"`)
	loaded := get(b, "image loaded", chromedp.Evaluate[bool](`(function(){var i=document.querySelector('#post-2 img');return !!i && i.complete && i.naturalWidth>0;})()`))
	if !loaded {
		// Lazy images load when near the viewport: scroll and wait.
		get(b, "scroll", chromedp.Evaluate[chromedp.Void](`document.querySelector('#post-2 img').scrollIntoView()`))
		time.Sleep(time.Second)
		if !get(b, "image loaded", chromedp.Evaluate[bool](`(function(){var i=document.querySelector('#post-2 img');return i.complete && i.naturalWidth>0;})()`)) {
			t.Fatal("the attached image did not load")
		}
	}

	// With JavaScript: drop a PNG on the text box.
	get(b, "drop a file", chromedp.Evaluate[chromedp.Void](`(function(){
		var c=document.createElement('canvas');c.width=40;c.height=30;c.getContext('2d').fillRect(0,0,40,30);
		var bin=atob(c.toDataURL('image/png').split(',')[1]);var a=new Uint8Array(bin.length);
		for(var i=0;i<bin.length;i++)a[i]=bin.charCodeAt(i);
		var dt=new DataTransfer();dt.items.add(new File([a],'dropped.png',{type:'image/png'}));
		var t=document.getElementById('reply-body');t.value='Before ';t.setSelectionRange(7,7);
		t.dispatchEvent(new DragEvent('drop',{dataTransfer:dt,bubbles:true,cancelable:true}));
	})()`))
	deadline := time.Now().Add(10 * time.Second)
	for {
		v := get(b, "text box", chromedp.Evaluate[string](`document.getElementById('reply-body').value`))
		if matched(v) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Markdown inserted after the drop; text box %q, status %q", v,
				get(b, "status", chromedp.Evaluate[string](`document.getElementById('reply-upload-status').textContent`)))
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.expectNoConsoleErrors()
}

func matched(v string) bool {
	return len(v) > 20 && bytes.HasPrefix([]byte(v), []byte("Before \n\n![](")) && bytes.Contains([]byte(v), []byte("/media/"))
}
