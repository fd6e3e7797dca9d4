package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// The one place that says who may do what. Handlers and the inbox call these;
// templates only use them to decide which buttons to show.

// CanCreateCategory: administrators shape the forum.
func CanCreateCategory(actor *models.User) bool {
	return actor != nil && actor.Role == models.RoleAdmin
}

// CanPost: any logged-in member may post in an open thread; staff may post in
// locked ones.
func CanPost(actor *models.User, t *models.Thread) bool {
	if actor == nil {
		return false
	}
	if t != nil && (t.Locked || t.DeletedAt != nil) {
		return actor.IsStaff()
	}
	return true
}

// CanEditPost: authors edit their own live posts; staff edit any.
func CanEditPost(actor *models.User, p *models.Post) bool {
	if actor == nil || p == nil || p.DeletedAt != nil {
		return false
	}
	return actor.ID == p.UserID || actor.IsStaff()
}

// CanDeletePost: the same people who may edit.
func CanDeletePost(actor *models.User, p *models.Post) bool { return CanEditPost(actor, p) }

// CanSeeRevisions: edit history is public, as on Discourse, except for
// deleted posts, whose earlier text only staff see.
func CanSeeRevisions(actor *models.User, p *models.Post) bool {
	return p.DeletedAt == nil || (actor != nil && actor.IsStaff())
}

// CanLike: members like others' live posts, not their own.
func CanLike(actor *models.User, p *models.Post) bool {
	return actor != nil && p.DeletedAt == nil && actor.ID != p.UserID
}

// CanModerate: moderators and administrators use the thread tools, the review
// queue and the audit log. Category-scoped moderators are not in this slice;
// when they come, this gains the category and every caller already passes
// through here.
func CanModerate(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanFlag: members flag others' live posts, not their own.
func CanFlag(actor *models.User, p *models.Post) bool {
	return actor != nil && p != nil && p.DeletedAt == nil && actor.ID != p.UserID
}

// FlagWeight is what a member's flag counts towards hiding a post: the
// ambassador programme trusts ambassadors' judgement double.
func FlagWeight(actor *models.User) int {
	if actor != nil && actor.Role == models.RoleAmbassador {
		return 2
	}
	return 1
}

// CanSanction: staff silence and suspend those below them. Moderators act
// on members and ambassadors only, never on other staff; administrators act
// on anyone but themselves (locking yourself out is never what you meant).
func CanSanction(actor, target *models.User) bool {
	if actor == nil || target == nil || actor.ID == target.ID {
		return false
	}
	switch actor.Role {
	case models.RoleAdmin:
		return true
	case models.RoleModerator:
		return target.Role == models.RoleMember || target.Role == models.RoleAmbassador
	}
	return false
}

// CanAdminister: roles and instance blocks are administrators' decisions.
func CanAdminister(actor *models.User) bool {
	return actor != nil && actor.Role == models.RoleAdmin
}

// checkMayPost is CanPost plus what needs the store: a silenced member may
// read but not post, and is told until when.
func (s *Service) checkMayPost(ctx context.Context, actor *models.User, t *models.Thread) error {
	if !CanPost(actor, t) {
		return ErrForbidden
	}
	return s.checkNotSilenced(ctx, actor)
}

// CanAssign: staff hand threads out for follow-up.
func CanAssign(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanReadNeedsResponse: staff and ambassadors.
func CanReadNeedsResponse(actor *models.User) bool {
	return actor != nil && (actor.IsStaff() || actor.Role == models.RoleAmbassador)
}

// CanReadCommunityStats: staff only.
func CanReadCommunityStats(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanMarkSolution: the member who asked decides what answered them; staff
// may too, for askers who never come back. The first post is the question,
// never its own answer.
func CanMarkSolution(actor *models.User, t *models.Thread, p *models.Post) bool {
	if actor == nil || t == nil || p == nil || p.ThreadID != t.ID || p.Number <= 1 || p.DeletedAt != nil || t.DeletedAt != nil {
		return false
	}
	return actor.ID == t.UserID || actor.IsStaff()
}

// CanManageCampaigns: staff create campaigns and read their figures, like
// the rest of the community analytics.
func CanManageCampaigns(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanScheduleThreads: staff schedule announcements and site banners.
func CanScheduleThreads(actor *models.User) bool { return actor != nil && actor.IsStaff() }
