package forum

import (
	"context"
	"sync"

	"github.com/hearth/hearth/i18n"
)

// loadCatalog reads the embedded message catalogs once per process: every
// Service (tests build hundreds) and the web server share them.
var loadCatalog = sync.OnceValues(i18n.Load)

// catalog returns the shared catalogs. They are embedded in the binary and
// checked by i18n's tests, so failing to read them is a broken build, not
// a condition to handle at run time.
func catalog() *i18n.Catalog {
	cat, err := loadCatalog()
	if err != nil {
		panic("i18n: embedded catalogs: " + err.Error())
	}
	return cat
}

// Catalog is the forum's message catalogs, for the web server's pages and
// the mailer's footers, so one copy is loaded.
func (s *Service) Catalog() *i18n.Catalog { return s.cat }

// mailSite is what every mail needs to know of the forum: the name it
// goes by and the language members who chose none are written to in.
type mailSite struct {
	Name string
	Lang string // the site's default language code
}

// mailSite reads the site's name (as siteName) and default language with
// one read of the settings. A failed read falls back to the host and
// English: neither must stop a mail.
func (s *Service) mailSite(ctx context.Context) mailSite {
	m := mailSite{Name: DefaultSiteName, Lang: i18n.Default}
	if h := s.cfg.Host(); h != "" {
		m.Name = h
	}
	if site, err := s.Site(ctx); err == nil {
		if site.Name != DefaultSiteName {
			m.Name = site.Name
		}
		m.Lang = site.Language
	}
	return m
}

// langFor is the language a mail or notification to a member is written
// in: the member's setting when it names a language Hearth has, else the
// site's default. Never the sender's or the request's.
func (s *Service) langFor(site mailSite, memberLang string) *i18n.Lang {
	return s.cat.Pick(memberLang, "", site.Lang)
}
