package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// SetLanguage records the language the actor reads the forum, its mails
// and notifications in: one of i18n.Codes, or "" to follow their browser
// and then the forum's default.
func (s *Service) SetLanguage(ctx context.Context, actor *models.User, code string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	code = strings.TrimSpace(code)
	if code != "" && !i18n.Known(code) {
		return Invalid("language", "errors.language.unknown", "Codes", strings.Join(i18n.Codes(), ", "))
	}
	if code == actor.Language {
		return nil
	}
	if err := s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"language": code}); err != nil {
		return err
	}
	actor.Language = code
	return nil
}
