package federation

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestSiteSettingsReachTheFediverse: NodeInfo's nodeName and
// nodeDescription and the instance actor's name and summary follow the
// operator's settings on the next request, with the defaults before.
func TestSiteSettingsReachTheFediverse(t *testing.T) {
	h := newHarness(t)
	nodeMeta := func() map[string]any {
		t.Helper()
		rec := h.get("/nodeinfo/2.1", "")
		var doc nodeInfo
		must(t, json.Unmarshal(rec.Body.Bytes(), &doc))
		return doc.Metadata
	}
	if m := nodeMeta(); m["nodeName"] != "Hearth" || m["nodeDescription"] != nil || m["contactEmail"] != nil {
		t.Fatalf("default metadata: %v", m)
	}
	if app := h.activity("/actor", http.StatusOK); app["name"] != "Hearth" {
		t.Fatalf("default actor name: %v", app["name"])
	}

	admin := h.env.User("siteboss", models.RoleAdmin)
	name, desc, mail := "Gardeners' Corner", "Soil <b>& seeds</b>", "team@garden.test"
	site, err := h.env.Svc.SaveSite(h.env.Ctx, admin, forum.SiteInput{Name: &name, Description: &desc, ContactEmail: &mail, Logo: logoPNG(t)})
	if err != nil {
		t.Fatal(err)
	}
	if m := nodeMeta(); m["nodeName"] != name || m["nodeDescription"] != desc || m["contactEmail"] != mail {
		t.Fatalf("metadata: %v", m)
	}
	app := h.activity("/actor", http.StatusOK)
	summary, _ := app["summary"].(string)
	if app["name"] != name || app["preferredUsername"] != "forum.test" ||
		!strings.Contains(summary, "Soil &lt;b&gt;&amp; seeds&lt;/b&gt;") || strings.Contains(summary, "<b>") {
		t.Fatalf("actor: name %v, summary %q", app["name"], summary)
	}
	icon, _ := app["icon"].(map[string]any)
	if icon["url"] != "http://forum.test/site-files/"+site.LogoFile || icon["mediaType"] != "image/png" {
		t.Fatalf("actor icon: %v", icon)
	}
}

func logoPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	return buf.Bytes()
}
