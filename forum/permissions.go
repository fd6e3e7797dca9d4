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

// CanBeBoosted: a fediverse boost (Announce) counts on a live, public
// post written here: not deleted, not hidden pending review, not a copy of
// a remote post, not in the ambassadors' private category (which never
// federates), and only from a fediverse account.
func CanBeBoosted(booster *models.User, p *models.Post, c *models.Category) bool {
	return booster != nil && booster.IsRemote() && p != nil && p.DeletedAt == nil && p.HiddenAt == nil && p.APID == nil &&
		c != nil && !c.AmbassadorsOnly
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

// Category-scoped roles. A moderator or ambassador whose RoleScoped is set
// holds the role only in the categories of RoleCategoryIDs. These rules are
// the category-aware half of permissions.go: every thread and queue tool
// asks CanModerateCategory with the category it acts in.

// CanModerateCategory: site moderators and administrators everywhere; a
// category moderator only in their categories.
func CanModerateCategory(actor *models.User, categoryID int64) bool {
	if actor == nil {
		return false
	}
	if actor.IsStaff() {
		return true
	}
	return actor.Role == models.RoleModerator && actor.RoleScoped && containsID(actor.RoleCategoryIDs, categoryID)
}

// CanUseModTools: the /mod page is for anyone who moderates somewhere; what
// it lists is narrowed to the categories they moderate.
func CanUseModTools(actor *models.User) bool {
	if actor == nil {
		return false
	}
	return actor.IsStaff() || (actor.Role == models.RoleModerator && actor.RoleScoped && len(actor.RoleCategoryIDs) > 0)
}

// CanLockThread: moderators of the thread's category.
func CanLockThread(actor *models.User, t *models.Thread) bool {
	return t != nil && CanModerateCategory(actor, t.CategoryID)
}

// CanPinThread: moderators of the category pin in it; pinning on the home
// page for everyone (global) is for site staff.
func CanPinThread(actor *models.User, t *models.Thread, global bool) bool {
	if global {
		return t != nil && CanModerate(actor)
	}
	return CanLockThread(actor, t)
}

// CanMoveThread: moving takes a thread out of one category and into
// another, so the actor needs rights in both.
func CanMoveThread(actor *models.User, t *models.Thread, toCategoryID int64) bool {
	return t != nil && CanModerateCategory(actor, t.CategoryID) && CanModerateCategory(actor, toCategoryID)
}

// CanMergeThreads: rights in both threads' categories.
func CanMergeThreads(actor *models.User, from, into *models.Thread) bool {
	return from != nil && into != nil && CanModerateCategory(actor, from.CategoryID) && CanModerateCategory(actor, into.CategoryID)
}

// CanSetSlowMode: moderators of the thread's category.
func CanSetSlowMode(actor *models.User, t *models.Thread) bool { return CanLockThread(actor, t) }

// CanResolveQueueItem: a flag item is resolved by moderators of its post's
// category; an appeal (categoryID 0, it is about a member) by site staff.
func CanResolveQueueItem(actor *models.User, categoryID int64) bool {
	if categoryID == 0 {
		return CanModerate(actor)
	}
	return CanModerateCategory(actor, categoryID)
}

// CanHidePost: moderators of the post's category hide and unhide it.
func CanHidePost(actor *models.User, categoryID int64) bool {
	return CanModerateCategory(actor, categoryID)
}

// CanEditPostIn is CanEditPost knowing the post's category: category
// moderators edit and delete posts in their categories.
func CanEditPostIn(actor *models.User, p *models.Post, categoryID int64) bool {
	if CanEditPost(actor, p) {
		return true
	}
	return actor != nil && p != nil && p.DeletedAt == nil && CanModerateCategory(actor, categoryID)
}

// CanWarn: a moderator of the category the post is in (or site staff, for a
// warning about no post) warns members below them.
func CanWarn(actor, target *models.User, categoryID int64) bool {
	if actor == nil || target == nil || actor.ID == target.ID || !outranks(actor, target) {
		return false
	}
	if categoryID == 0 {
		return CanModerate(actor)
	}
	return CanModerateCategory(actor, categoryID)
}

// CanClaimQueueItem: whoever may resolve an item may claim it.
func CanClaimQueueItem(actor *models.User, categoryID int64) bool {
	return CanResolveQueueItem(actor, categoryID)
}

// CanReadMemberRecord: the member record gathers flags, sanctions and
// notes from every category, so it is for site staff.
func CanReadMemberRecord(actor *models.User) bool { return CanModerate(actor) }

// IsAmbassadorIn: an ambassador for the whole site, or for this category.
func IsAmbassadorIn(actor *models.User, categoryID int64) bool {
	if actor == nil || actor.Role != models.RoleAmbassador {
		return false
	}
	return !actor.RoleScoped || containsID(actor.RoleCategoryIDs, categoryID)
}

// CanEditThreadMeta: the title and tags of a thread are edited by its
// author, by ambassadors (of its category) and by its moderators.
func CanEditThreadMeta(actor *models.User, t *models.Thread) bool {
	if actor == nil || t == nil || t.DeletedAt != nil {
		return false
	}
	return actor.ID == t.UserID || IsAmbassadorIn(actor, t.CategoryID) || CanModerateCategory(actor, t.CategoryID)
}

// FlagWeightIn: ambassadors' flags weigh double in the categories they
// serve.
func FlagWeightIn(actor *models.User, categoryID int64) int {
	if IsAmbassadorIn(actor, categoryID) {
		return 2
	}
	return 1
}

// roleRank orders roles for "cannot act above their role". A category
// moderator ranks with site moderators: neither acts on the other.
func roleRank(u *models.User) int {
	switch u.Role {
	case models.RoleAdmin:
		return 3
	case models.RoleModerator:
		return 2
	}
	return 1
}

// outranks: the actor's role is strictly above the target's; an
// administrator may act on anyone (other administrators included).
func outranks(actor, target *models.User) bool {
	return actor.Role == models.RoleAdmin || roleRank(actor) > roleRank(target)
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// CanManageAmbassadors: administrators appoint ambassadors and read the
// candidates ranking.
func CanManageAmbassadors(actor *models.User) bool { return CanAdminister(actor) }

// CanReadAmbassadorReport: site staff see what each ambassador did.
func CanReadAmbassadorReport(actor *models.User) bool { return CanModerate(actor) }

// CanSeeCategory: everyone sees public categories; a private one is for
// ambassadors (of any category), moderators and administrators. Every read
// and write applies it through forum/visibility.go.
func CanSeeCategory(viewer *models.User, c *models.Category) bool {
	if c == nil {
		return false
	}
	return !c.AmbassadorsOnly || seesPrivate(viewer)
}

// CanDeletePostIn is CanDeletePost knowing the post's category: the same
// people who may edit it there (CanEditPostIn).
func CanDeletePostIn(actor *models.User, p *models.Post, categoryID int64) bool {
	return CanEditPostIn(actor, p, categoryID)
}

// CanSeeHiddenText: a post hidden pending review shows its text to those
// who may decide on it, the moderators of its category; everyone else gets
// the placeholder.
func CanSeeHiddenText(viewer *models.User, categoryID int64) bool {
	return CanHidePost(viewer, categoryID)
}
