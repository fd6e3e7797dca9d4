package forum

import (
	"context"
	"time"

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
		return CanModerateCategory(actor, t.CategoryID)
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
// deleted posts and posts hidden pending review, whose text only staff see.
func CanSeeRevisions(actor *models.User, p *models.Post) bool {
	return (p.DeletedAt == nil && p.HiddenAt == nil) || (actor != nil && actor.IsStaff())
}

// CanLike: members like others' live posts, not their own.
func CanLike(actor *models.User, p *models.Post) bool {
	return actor != nil && p.DeletedAt == nil && actor.ID != p.UserID
}

// CanModerate: site-wide moderation (the whole queue, the audit log,
// sanctions, member records): site moderators and administrators. A
// category moderator is not in it; their rights are CanModerateCategory.
func CanModerate(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanFlag: members flag others' live posts, not their own.
func CanFlag(actor *models.User, p *models.Post) bool {
	return actor != nil && p != nil && p.DeletedAt == nil && actor.ID != p.UserID
}

// FlagWeight is what a member's flag counts towards hiding a post: the
// ambassador programme trusts ambassadors' judgement double.
// A category ambassador's flags weigh double only in their categories; use
// FlagWeightIn where the category is known.
func FlagWeight(actor *models.User) int {
	if actor != nil && actor.Role == models.RoleAmbassador && !actor.RoleScoped {
		return 2
	}
	return 1
}

// CanSanction: site staff silence and suspend those below them. Moderators act
// on members and ambassadors only, never on other staff; administrators act
// on anyone but themselves (locking yourself out is never what you meant).
func CanSanction(actor, target *models.User) bool {
	if actor == nil || target == nil || actor.ID == target.ID {
		return false
	}
	if !actor.IsStaff() {
		// Silence and suspension hold site-wide, so a category
		// moderator cannot impose them.
		return false
	}
	return outranks(actor, target)
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

// CanVote: members and remote actors vote in open polls of threads they
// may post in; a remote poll shown nowhere here (t nil) takes members'
// votes too. Whether they already voted is the poll's to refuse.
func CanVote(actor *models.User, t *models.Thread, p *models.Poll, now time.Time) bool {
	if actor == nil || p == nil || pollClosed(p, now) {
		return false
	}
	if t == nil {
		return p.IsRemote() && !actor.IsRemote()
	}
	return CanPost(actor, t)
}

// CanBlockRemoteUser is whether actor may block (and unblock) one
// fediverse account: moderators and administrators.
func CanBlockRemoteUser(actor *models.User) bool { return CanModerate(actor) }

// CanApprove: ambassadors, moderators and administrators decide on posts
// held for approval (the approval kind of queue item), and nothing else in
// the review queue unless they moderate.
func CanApprove(actor *models.User) bool {
	return actor != nil && (actor.IsStaff() || actor.Role == models.RoleAmbassador)
}

// CanVouch: those who approve posts may also let a sandboxed member out of
// the sandbox early; never themselves, never a remote account.
func CanVouch(actor, target *models.User) bool {
	return CanApprove(actor) && target != nil && actor.ID != target.ID && !target.IsRemote()
}

// CanSeeHeld: a held post is visible to its author and to approvers only.
func CanSeeHeld(actor *models.User, h *models.HeldPost) bool {
	return actor != nil && h != nil && (actor.ID == h.UserID || CanApprove(actor))
}

// CanManageWatchedWords: moderators and administrators keep the lists.
func CanManageWatchedWords(actor *models.User) bool { return CanModerate(actor) }

// InSandbox reports whether a member's posts are subject to the sandbox:
// only local members flagged at sign-up; ambassadors and staff never are.
func InSandbox(u *models.User) bool {
	return u != nil && u.Sandboxed && u.Role == models.RoleMember && !u.IsRemote()
}

// CanChooseNotifications: local members choose how closely they follow
// threads and categories and which mail they get; remote accounts cannot
// log in to read either. Every category is public today; when private ones
// come, the category joins this check and every caller passes through here.
func CanChooseNotifications(actor *models.User) bool { return actor != nil && !actor.IsRemote() }

// CanManageCampaigns: staff create campaigns and read their figures, like
// the rest of the community analytics.
func CanManageCampaigns(actor *models.User) bool { return actor != nil && actor.IsStaff() }

// CanScheduleThreads: staff schedule announcements and site banners.
func CanScheduleThreads(actor *models.User) bool { return actor != nil && actor.IsStaff() }
