package server

import (
	"testing"
)

// UnfoldTemplates makes s render its pages as html/template alone does,
// without folding their constant actions (template_fold.go), so the HTTP
// tests can compare both. Call it before s serves a page.
func (s *Server) UnfoldTemplates() { s.tmpl.noFold = true }

// ConstCallsLeft lists the constant calls left in the templates a built
// page of language lang ("" for the default) reaches from "layout" (see
// constCalls): none when folding ran, many when it did not.
func (s *Server) ConstCallsLeft(t *testing.T, page, lang string) []string {
	t.Helper()
	set, err := s.tmpl.set(s.forum.Catalog().Get(lang)).page(page)
	if err != nil {
		t.Fatal(err)
	}
	return constCalls(t, set)
}
